"""The pure core: knowledge model, loader, verification, search and answers. No Slack import here."""
