"""One module per subcommand: ``add_parser(subparsers)`` and ``run(args, out) -> exit code``.

Each module imports only argparse-level things at the top; its ``run`` imports what the command needs.
"""
