"""Data repositories: declared access rules checked against permissions, ACLs, shares and backups."""
