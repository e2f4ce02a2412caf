"""Host posture beyond sshd: patching, accounts and key revocation, logging and time, firewall and kernel."""
