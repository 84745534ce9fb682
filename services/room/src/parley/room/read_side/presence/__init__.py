"""Who is in each Space: stays, current and peak counts, the live listener count."""
