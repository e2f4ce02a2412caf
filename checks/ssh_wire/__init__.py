"""SSH seen from the network: what any SSH server offers on the wire, and drift from its configuration."""
