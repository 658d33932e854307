#!/usr/bin/env python
"""Django's command-line utility for Lapor Pungli."""

import os
import sys

from config.filemodes import private_umask


def main():
    # Everything this process creates (database, evidence, var/) is private to its user.
    private_umask()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
