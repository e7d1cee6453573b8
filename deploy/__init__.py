"""The reference deployment (nginx configuration, the loopback cluster)."""
