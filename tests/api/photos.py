"""Upload helpers that ``tests/images.py`` does not provide: an oversized photo, a non-image,
and a multipart body written by hand (so a hostile file name reaches the server unchanged).

Everything is built in memory at test time; no binary file is kept in the repository.
"""

from tests import images

PLAIN_TEXT = b"root:x:0:0:root:/root:/bin/bash\n"


def padded_jpeg(total_bytes: int) -> bytes:
    """A valid JPEG followed by filler after its end marker, ``total_bytes`` long in all."""
    data = images.jpeg(64, 48)
    return data + b"\0" * (total_bytes - len(data))


def multipart(
    fields: dict[str, str], files: list[tuple[str, str, bytes, str]]
) -> tuple[bytes, str]:
    """A multipart/form-data body, ``(body, content_type)``.

    Django's test client keeps only the base name of a file, which would hide a ``../`` name;
    this sends ``filename`` exactly as given. ``files`` holds
    ``(field, filename, content, content_type)`` tuples.
    """
    boundary = "----laporpungli-test-boundary"
    parts: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for field, filename, content, content_type in files:
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
