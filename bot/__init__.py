"""factdesk: sourced answers for newsroom teams, in Slack and in the terminal."""

__version__ = "0.1.0"
