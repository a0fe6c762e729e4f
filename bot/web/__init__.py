"""The HTTP layer's defences: what a request must prove before any work is spent on it, and how long a
connection may take to prove it. Kept apart from bot/server.py, which wires routes to the bot."""
