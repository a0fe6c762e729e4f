"""The terminal adapter: plain-text rendering and the local console."""
