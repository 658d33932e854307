"""Settings for preparing the end-to-end database only: the real ones, with cheap password hashes.

``seed_demo`` hashes the password of every demo account (about forty) with Argon2 at the
production cost, which alone takes tens of seconds. Here the hashes are still Argon2 (the
servers, on ``config.settings.base``, verify them as usual), made with a low cost; a server
re-hashes a password at full cost the first time that account logs in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher

from config.settings.base import *  # noqa: F403


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1


PASSWORD_HASHERS = ["tests.e2e.seed_settings.QuickArgon2PasswordHasher"]
