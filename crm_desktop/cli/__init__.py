"""The `crm-desktop` command line: `main.main` is the console entry point."""
