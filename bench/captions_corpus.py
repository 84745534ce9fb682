"""The captions benchmark's corpus: everyday conversational English of several lengths, as
people say it in a Space, and the espeak-ng voices that say it.

Written for this benchmark (nothing here was taken from a speech data set). No digits, hyphens
or abbreviations: a word error rate compares words, and "twenty one" against "21" would count
the way a number is written, not what was heard.
"""

from __future__ import annotations

# espeak-ng voices (`espeak-ng --voices=en`): American, British, British received
# pronunciation, a female variant, and a Scottish accent (the hardest of them for tiny.en).
VOICES = ("en-us", "en", "en-gb-x-rp", "en+f3", "en-gb-scotland")

WPM = 130  # a speaker's pace; espeak's own 175 words a minute is faster than people talk

SENTENCES = (
    # short: a few words
    "Can everyone hear me?",
    "Thanks for having me.",
    "That makes sense.",
    "Good morning, everyone.",
    "I totally agree with you.",
    "Let me think about that.",
    "Welcome back to the show.",
    "Could you say that again?",
    "That is a great question.",
    "We are running out of time.",
    "Hold on, my microphone is muted.",
    "I have never heard of that before.",
    # medium: one clause or two
    "Did you see the game last night?",
    "The weather today is sunny with a light breeze from the north.",
    "I think we should order pizza for dinner tonight.",
    "My flight was delayed for three hours this morning.",
    "She started a small bakery near the train station.",
    "We moved to a new apartment at the end of the summer.",
    "The coffee shop on the corner closes early on Sundays.",
    "I forgot my umbrella and got completely soaked on the way home.",
    "Our team finally shipped the new version of the app last week.",
    "He has been learning to play the guitar since the spring.",
    "The kids want to go to the beach this weekend.",
    "I usually read a few pages before I fall asleep.",
    "The library is open until nine in the evening.",
    "Please remember to bring your laptop to the meeting.",
    "That restaurant has the best noodles in the whole city.",
    "My sister just adopted a puppy from the local shelter.",
    "Traffic was terrible because of the construction downtown.",
    "I would love to hear what the audience thinks about this.",
    "Let us take a few questions from the people who raised their hands.",
    "The concert was so loud that my ears are still ringing.",
    "We planted tomatoes and peppers in the garden last month.",
    "Could you share the link to that article in the chat?",
    "I changed my mind after reading the reviews online.",
    "The train was packed, so I had to stand the whole way.",
    "Honestly, I did not expect so many people to join today.",
    "My grandmother makes the best apple pie I have ever tasted.",
    "It took me a while to get used to working from home.",
    "The museum has a new exhibition about the history of flight.",
    "We should probably wrap up in about ten minutes.",
    "If the weather holds, we are going hiking on Saturday.",
    # long: several clauses
    "When I first moved here, I did not know anyone, but the neighbors were really friendly.",
    "The most important thing is to listen to your customers and keep improving the product.",
    "I started running every morning, and after a few weeks I felt much better.",
    "Before we begin, I want to thank everyone who helped organize this conversation.",
    "We spent the whole afternoon at the park, and then we had dinner with some old friends.",
    "If you have a question for our guest, raise your hand and we will bring you up to speak.",
    "My phone battery died in the middle of the call, so I had to borrow a charger.",
    "The new policy means that everyone gets an extra day off at the end of the year.",
    "I think the real problem is that nobody reads the instructions until something breaks.",
    "Last year we traveled across the country by car and stopped in every small town we liked.",
    "Learning a new language takes patience, but it opens so many doors.",
    "The band is playing a free show in the park next Friday, and you should definitely come.",
    "I am not sure the plan will work, but it is worth trying before we give up.",
    "She told me the story of how her parents met at a dance during the winter.",
    "We need more volunteers for the food drive, so please tell your friends about it.",
    "The movie was much longer than I expected, but the ending was worth the wait.",
    "My advice is to start small, learn from your mistakes, and ask for help early.",
    "Thank you all for listening, and we will see you again next week at the same time.",
)
