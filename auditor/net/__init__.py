"""Network plumbing shared by network collectors: connection limits, bounded reads, byte parsing."""
