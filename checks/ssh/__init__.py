"""SSH daemon configuration: `sshd -T` (or the parsed files) per Match context, judged setting by setting."""
