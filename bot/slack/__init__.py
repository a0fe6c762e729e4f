"""The Slack adapter: Bolt listeners and Block Kit rendering, nothing else."""
