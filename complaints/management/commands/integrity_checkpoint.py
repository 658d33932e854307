"""`python manage.py integrity_checkpoint`: publish today's checkpoint now (the clocks publish
one a day by themselves). Prints its day, root and size."""

from django.core.management.base import BaseCommand

from complaints.integrity import checkpoint_publish


class Command(BaseCommand):
    help = "Publish today's integrity checkpoint (a Merkle root over every complaint's history)."

    def handle(self, *args, **options):
        checkpoint = checkpoint_publish()
        self.stdout.write(f"{checkpoint.day.isoformat()} {checkpoint.root} {checkpoint.size}")
