"""In-app notifications: the inbox projection, its queries and the live push."""
