"""Where host checks run commands and read files: this machine (``local``) or one reached over SSH."""
