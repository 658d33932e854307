"""Indonesian text as citizens type it, made comparable for routing.

``analyze`` turns a complaint description into aligned tuples of words (case and punctuation
folded, slang and abbreviations expanded, spelling variants unified), their stems (Sastrawi,
the standard Indonesian stemmer; stopwords give an empty stem), a per-word weight that mutes
words after a negation ("bukan soal parkir") or naming a landmark ("di depan kantor dukcapil"),
and the rupiah amounts found in the text ("10rb", "Rp 10.000", "1,5jt", "sepuluh ribu").
Pure Python, no Django: the routing engine and its benchmark use it directly.
"""

import re
import unicodedata
from functools import lru_cache
from itertools import chain
from typing import NamedTuple

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

from routing import clauses
from routing.memo import Memo

# Abbreviations and slang seen in complaints, to their standard form.
SLANG = {
    "yg": "yang",
    "yng": "yang",
    "tdk": "tidak",
    "tdak": "tidak",
    "gk": "tidak",
    "ga": "tidak",
    "gak": "tidak",
    "ngga": "tidak",
    "nggak": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "kagak": "tidak",
    "ndak": "tidak",
    "tak": "tidak",
    "krn": "karena",
    "karna": "karena",
    "krna": "karena",
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "dah": "sudah",
    "sudh": "sudah",
    "blm": "belum",
    "belom": "belum",
    "blom": "belum",
    "bgt": "banget",
    "bngt": "banget",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "untk": "untuk",
    "u/": "untuk",
    "org": "orang",
    "sy": "saya",
    "sya": "saya",
    "aq": "aku",
    "gw": "aku",
    "gue": "aku",
    "kmrn": "kemarin",
    "kemaren": "kemarin",
    "skrg": "sekarang",
    "skrang": "sekarang",
    "tp": "tapi",
    "jd": "jadi",
    "jdi": "jadi",
    "lg": "lagi",
    "bkn": "bukan",
    "dr": "dari",
    "dri": "dari",
    "sm": "sama",
    "byr": "bayar",
    "bayarin": "bayar",
    "duit": "uang",
    "dikelurahan": "di kelurahan",
    "dikecamatan": "di kecamatan",
    "doku": "uang",
    "kpd": "kepada",
    "pd": "pada",
    "trs": "terus",
    "trus": "terus",
    "hrs": "harus",
    "mst": "mesti",
    "msh": "masih",
    "bs": "bisa",
    "bsa": "bisa",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "knp": "kenapa",
    "tgl": "tanggal",
    "bln": "bulan",
    "thn": "tahun",
    "mgg": "minggu",
    "pdhl": "padahal",
    "dll": "dan lain lain",
    "dsb": "dan sebagainya",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "kab": "kabupaten",
    "jl": "jalan",
    "jln": "jalan",
    "sdn": "sd negeri",
    "smpn": "smp negeri",
    "pns": "asn",
    "mnt": "minta",
    "mintak": "minta",
    "ngasih": "kasih",
    "dikasi": "dikasih",
    "ksh": "kasih",
    "kmi": "saya",
    "kalo": "kalau",
    "klo": "kalau",
    "kl": "kalau",
    "emg": "memang",
    "emang": "memang",
    "aja": "saja",
    "aj": "saja",
    "doang": "saja",
    "jg": "juga",
    "jga": "juga",
    "bbrp": "beberapa",
    "sblm": "sebelum",
    "stlh": "setelah",
    "sampe": "sampai",
    "smpe": "sampai",
    "ampe": "sampai",
    "parkiran": "parkir",
    "markir": "parkir",
    "akte": "akta",
    "sekolahan": "sekolah",
    "puskes": "puskesmas",
    "rs": "rumah sakit",
    "ktpnya": "ktp",
    "kknya": "kk",
    "sampahnya": "sampah",
    # Chat spelling: vowels dropped, "d" for the "di-" prefix.
    "dsuruh": "disuruh",
    "dminta": "diminta",
    "dmintai": "dimintai",
    "dmintain": "dimintai",
    "dtarik": "ditarik",
    "dkasih": "dikasih",
    "blg": "bilang",
    "blng": "bilang",
    "tlg": "tolong",
    "ptgs": "petugas",
    "pgw": "pegawai",
    "pegawe": "pegawai",
    "kntr": "kantor",
    "kpl": "kepala",
    "mrk": "mereka",
    "gt": "begitu",
    "gitu": "begitu",
    "nunggu": "tunggu",
    "dtg": "datang",
    "dateng": "datang",
    "ngurus": "urus",
    "ngurusin": "urus",
    "nanya": "tanya",
    "nyuruh": "suruh",
    "narik": "tarik",
    "nagih": "tagih",
    "motong": "potong",
    "nahan": "tahan",
    "mintain": "minta",
    "dimintak": "diminta",
    "gratisan": "gratis",
    # Bengkulu Malay: final -o for -a (``_malay_a`` finds most: "tigo", "diminto", "ditanyo";
    # these are the ones it cannot), dak/idak for "tidak", "kami" said for "I".
    "apo": "apa",  # "apo" is also a word of its own
    "sapo": "siapa",
    "ngapo": "kenapa",
    "cakmano": "bagaimana",
    "galo": "semua",
    "siko": "sini",
    "betanya": "bertanya",
    # "lah"/"la"/"alah" before a state or a time: "already" ("akta la jadi", "lah tigo minggu")
    "lah": "sudah",
    "alah": "sudah",
    "la": "sudah",
    # ... and "te-" for "ter-": "tebakar", "telambat".
    "tebakar": "terbakar",
    "tejadi": "terjadi",
    "telambat": "terlambat",
    "dak": "tidak",
    "idak": "tidak",
    "dakdo": "tidak ada",
    "nian": "banget",
    "jingok": "lihat",
    "nengok": "lihat",
    "pacak": "bisa",
    "dapek": "dapat",
    "kagek": "nanti",
    "gek": "nanti",
    "ambo": "saya",
    "kami": "saya",
    "tu": "itu",
    "ni": "ini",
    "tuh": "itu",
}

# Spellings of the same thing, unified word by word after slang: (words) -> (words).
_VARIANTS = {
    ("ektp",): ("ktp",),
    ("ktpel",): ("ktp",),
    ("e", "ktp"): ("ktp",),
    ("ktp", "el"): ("ktp",),
    ("ktp", "elektronik"): ("ktp",),
    ("kartu", "tanda", "penduduk"): ("ktp",),
    ("kartu", "keluarga"): ("kk",),
    ("kartu", "identitas", "anak"): ("kia",),
    ("surat", "keterangan", "tidak", "mampu"): ("sktm",),
    ("ak1",): ("kartu", "ak1"),
    ("ak", "1"): ("kartu", "ak1"),
    ("kartu", "kuning"): ("kartu", "ak1"),
    ("kartu", "kartu", "ak1"): ("kartu", "ak1"),
    ("ujikir",): ("uji", "kir"),
    ("keur",): ("uji", "kir"),
    ("ppdb",): ("spmb",),
    ("walikota",): ("wali", "kota"),
    ("balaikota",): ("balai", "kota"),
    # "smp skrg", "sd skrg", "smp jam 3": chat spelling of "sampai (dengan)", not a school
    ("smp", "sekarang"): ("sampai", "sekarang"),
    ("smp", "kini"): ("sampai", "kini"),
    ("smp", "saat"): ("sampai", "saat"),
    ("sd", "sekarang"): ("sampai", "sekarang"),
    ("sd", "kini"): ("sampai", "kini"),
    ("sd", "saat"): ("sampai", "saat"),
    ("smp", "jam"): ("sampai", "jam"),  # "buka smp jam 3 pagi"
    ("sd", "jam"): ("sampai", "jam"),
    ("smp", "pukul"): ("sampai", "pukul"),
    ("sd", "pukul"): ("sampai", "pukul"),
    # "oknum pake seragam": the uniform an actor wears, not the school's uniforms
    ("pakai", "seragam"): ("berseragam",),
    ("pake", "seragam"): ("berseragam",),
    ("memakai", "seragam"): ("berseragam",),
    ("make", "seragam"): ("berseragam",),
}
# Per first word, longest first: (the words after it, as a list to compare with a slice of
# the text's words, the number of words, the standard spelling).
_VARIANTS_BY_FIRST: dict[str, list[tuple[list[str], int, tuple[str, ...]]]] = {}
for _words_from, _words_to in sorted(_VARIANTS.items(), key=lambda item: -len(item[0])):
    _VARIANTS_BY_FIRST.setdefault(_words_from[0], []).append(
        (list(_words_from[1:]), len(_words_from), _words_to)
    )
_VARIANT_FIRSTS = frozenset(_VARIANTS_BY_FIRST)

_REPEATS = re.compile(r"([a-z])\1{2,}")
_WORD = re.compile(r"[a-z0-9]+")
# Words that end in "nya" without it being a suffix ("betanya": Bengkulu's "bertanya").
_NYA_ROOTS = frozenset({"bertanya", "betanya", "menanya", "ditanya", "punyanya", "sesungguhnya"})

# Amounts: "Rp 10.000", "rp10rb", "10rb", "10 ribu", "10k", "1,5jt", "2 juta", "10.000".
_MULTIPLIERS = {
    "rb": 1_000,
    "ribu": 1_000,
    "rebu": 1_000,
    "k": 1_000,
    "jt": 1_000_000,
    "juta": 1_000_000,
    "jeti": 1_000_000,
}
# The number starts after "rp" (also written "Rp10.000", without a space) or after a non-word
# character that does not join it to more digits: a date "12/05/2024", a code "17.71.06.1006".
# The pattern opens with a character class ("r" or a digit) that it consumes: the regex engine
# then jumps from one such character to the next at C speed, skipping the letters no amount
# starts with (most of the text), and only there tries the look-behinds, which look back past
# the consumed character. Groups: (number after "rp", first digit, rest of the number, unit);
# a bare number is its first digit + the rest (``extract_amounts`` joins them).
_AMOUNT = re.compile(
    r"[r\d](?:(?<=r)(?<!\wr)p\.?\s*(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d{1,2})?)"
    r"|(?<=(\d))(?<![a-z0-9_/]\d)(?<!\d[.,]\d)(\d{0,2}(?:[.,]\d{3})+|\d*(?:[.,]\d{1,2})?))"
    r"\s*(ribu|rebu|rb|k|juta|jeti|jt)?\b"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_NUMBER_WORDS = {
    "satu": 1,
    "se": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "sebelas": 11,
    "seratus": 100,
}
# A number word as ``_amounts_in_words`` reads it (a whole word), or "seribu"/"sejuta"
# anywhere, which it splits into "satu ribu"/"satu juta".
_SPELLED_NUMBER = re.compile(
    r"(?<![a-z0-9])(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")(?![a-z0-9])"
    r"|seribu|sejuta"
)

# Re-exported: the weights' meaning is the clause module's (tests and callers import them here).
LANDMARK_WEIGHT = clauses.LANDMARK_WEIGHT
# Where a sentence or a clause ends, found in one pass over the whole text. A sentence ends at a
# run of ".!?;" that ends a piece of text between whitespace (not at the dot inside "10.000" or
# "14.00"), at "!?;" anywhere, and at a line break; a clause at "," ending a piece (not inside
# "1,5jt"), at ":", "(" and ")", and at a "-" standing alone (" - "). The pattern opens with a
# character class it consumes, so the regex engine skips from one such character to the next at
# C speed, and only there looks behind at which one it was (as ``_AMOUNT`` does).
_BREAKS = re.compile(
    r"([.!?;\n,:()-](?:(?<=[.!?;])[.!?;]*(?!\S)|(?<=[!?;\n:()])|(?<=,)(?!\S)|(?<!\S-)(?<=-)(?!\S)))"
)
_CLAUSE_MARKS = frozenset({",", ":", "(", ")", "-"})

# Sastrawi's stopword list, minus words that carry meaning in a complaint about a fee or delay.
_KEEP = frozenset(
    {
        "minta",
        "meminta",
        "diminta",
        "dimintai",
        "memintakan",
        "bayar",
        "uang",
        "panjang",
        "baru",
        "lama",
        "kelamaan",
        "kecil",
        "besar",
        "bulan",
        "hari",
        "kerja",
        "masuk",
        "keluar",
        "naik",
        "tidak",
        "belum",
        "pak",
        "bapak",
        "ibu",
        "tanpa",
        "bukan",
        "lima",
        "dua",
        "empat",
    }
)
STOPWORDS = frozenset(StopWordRemoverFactory().get_stop_words()) - _KEEP


class Analysis(NamedTuple):
    """The analysed words of one text (a named tuple: read-only, and built anew for every
    routing decision at a fraction of a frozen dataclass's cost)."""

    words: tuple[str, ...]
    stems: tuple[str, ...]  # aligned with words; "" for a stopword
    weights: tuple[float, ...]  # aligned with words
    roles: tuple[str, ...] = ()  # aligned with words: the actor noun whose office a word names
    folded: str = ""

    @property
    def amounts(self) -> tuple[int, ...]:
        """Rupiah amounts in the text: read only when asked, and read anew on each ask (the
        fee check wants them; a routing decision does not, and the search for them is a fifth
        of the analysis)."""
        return extract_amounts(self.folded)


@lru_cache(maxsize=1)
def _stemmer():
    return StemmerFactory().create_stemmer()


def _stem(word: str) -> str:
    if word in STOPWORDS or word.isdigit():
        return ""
    return _stemmer().stem(word) or word


# A word's stem (Sastrawi), "" for a stopword or a number.
stem = Memo(_stem)


def fold(text: str | None) -> str:
    """Lower case, compatibility characters unified, accents dropped."""
    text = (text or "").lower()
    if not text.isascii():  # most complaints are plain ASCII: skip the per-character work
        text = unicodedata.normalize("NFKD", text)
        text = "".join(char for char in text if not unicodedata.combining(char))
    return text


def extract_amounts(folded: str) -> tuple[int, ...]:
    """Rupiah amounts written with digits (and a unit or thousands dots) or in words."""
    found = []
    for after_rp, first_digit, rest, unit in _AMOUNT.findall(folded):
        number = after_rp or first_digit + rest
        value = _parse_number(number, has_unit=bool(unit))
        if value is None:
            continue
        if unit:
            value = int(value * _MULTIPLIERS[unit])
        elif value < 1000 or not (number.isdigit() or _THOUSANDS.fullmatch(number)):
            continue  # a small number or a decimal without a unit: a date, a time, a count
        if 0 < value <= 10_000_000_000:
            found.append(int(value))
    # The words parser is the slow part, and it finds an amount only where a scale word and a
    # number word are both written ("10 ribu" with digits alone is the regex's).
    if ("ribu" in folded or "rebu" in folded or "juta" in folded) and _SPELLED_NUMBER.search(
        folded
    ):
        found.extend(_amounts_in_words(folded))
    return tuple(dict.fromkeys(found))


def _parse_number(number: str, *, has_unit: bool) -> float | None:
    if _THOUSANDS.fullmatch(number) and not (has_unit and len(number) <= 4):
        return float(re.sub(r"[.,]", "", number))
    try:
        return float(number.replace(",", "."))
    except ValueError:
        return None


def _amounts_in_words(folded: str) -> list[int]:
    """``sepuluh ribu``, ``seratus dua puluh ribu``, ``dua juta lima ratus ribu``."""
    amounts = []
    for segment in re.split(r"[,.;:!?/()]", folded):
        total = hundreds = unit = 0
        last_scale = None
        words = _WORD.findall(segment.replace("seribu", "satu ribu").replace("sejuta", "satu juta"))
        for word in words:
            if word in _NUMBER_WORDS:
                value = _NUMBER_WORDS[word]
                if value >= 100:
                    hundreds += value  # seratus, seribu (as 1000 below a scale word)
                else:
                    unit += value
            elif word == "belas" and unit:
                unit += 10
            elif word == "puluh" and unit:
                unit *= 10
            elif word == "ratus" and unit:
                hundreds, unit = hundreds + unit * 100, 0
            elif word in ("ribu", "rebu", "juta") and (hundreds or unit or total):
                scale = 1_000_000 if word == "juta" else 1_000
                if last_scale is not None and scale >= last_scale:
                    amounts.append(total)  # "lima ribu ... seratus ribu": two amounts
                    total = 0
                total += (hundreds + unit or 1) * scale
                hundreds = unit = 0
                last_scale = scale
            else:
                total += hundreds + unit if total else 0
                if total:
                    amounts.append(total)
                total = hundreds = unit = 0
                last_scale = None
        total += hundreds + unit if total else 0
        if total:
            amounts.append(total)
    return amounts


def words_of(text: str | None) -> list[str]:
    """Folded words with spelling variants unified and slang expanded."""
    return _words(fold(text))


def _words(folded: str) -> list[str]:
    words: list[str] = []
    for raw in _WORD.findall(folded):
        words.extend(_normal_word[raw])
    return _unify_aligned(words)[0]


def _normalise_word(word: str) -> tuple[str, ...]:
    """One typed word as standard words: repeated letters cut, "jadi2" and "-nya" handled,
    Bengkulu's final -o read as -a, slang expanded ("gk" -> "tidak", "dll" -> "dan lain
    lain")."""
    word = _REPEATS.sub(r"\1", word)
    if len(word) > 5 and word.endswith("nyo"):
        word = word[:-1] + "a"  # Bengkulu's "uangnyo", "ditanyo": the "-nya" below decides
    if len(word) > 3 and word[-1] == "2" and word[:-1].isalpha():
        word = word[:-1]  # "jadi2" is "jadi-jadi"
    elif len(word) > 5 and word.endswith("nya") and word not in _NYA_ROOTS:
        word = word[:-3]  # "karcisnya", "lurahnya": the possessive says nothing of the topic
    word = _malay_a(word)
    return tuple(SLANG.get(word, word).split())


def _malay_a(word: str) -> str:
    """Bengkulu Malay's final -o for -a ("diminto", "tanyo", "kerjo", "keluargo"): the -a
    form, where only it is a word the stemmer's dictionary knows ("toko", "foto" stay)."""
    if len(word) < 3 or word[-1] != "o" or word in SLANG:
        return word
    stemmer = _stemmer()
    known = stemmer.delegatedStemmer.dictionary.contains
    if known(stemmer.stem(word)):
        return word
    as_a = word[:-1] + "a"
    return as_a if as_a in SLANG or known(stemmer.stem(as_a)) else word


_normal_word = Memo(_normalise_word)


def analyze(text: str | None) -> Analysis:
    folded = fold(text)
    words, clause_of, sentence_of = _structured_words(folded)
    weights, roles = clauses.weigh(words, clause_of, sentence_of)
    return Analysis(
        words=tuple(words),
        stems=tuple(map(stem.__getitem__, words)),
        weights=weights,
        roles=roles,
        folded=folded,
    )


def _structured_words(folded: str) -> tuple[list[str], list[int], list[int]]:
    """The words, with the clause and the sentence each one is in (numbered from 0). One regular
    expression cuts the text where clauses end; the words between are read a piece of text at a
    time through a cache (``_piece_words``); only where a clause ends is noted on the way, and
    the per-word numbers are laid out afterwards, a slice at a time."""
    words: list[str] = []
    breaks: list[tuple[int, bool]] = []  # (index of the first word after, ends a sentence)
    pieces = _piece_words
    parts = _BREAKS.split(folded)  # text, mark, text, mark, ..., text
    for piece in parts[0].split():
        words.extend(pieces[piece])
    for index in range(1, len(parts), 2):
        ends_sentence = parts[index] not in _CLAUSE_MARKS
        if breaks and breaks[-1][0] == len(words):
            if ends_sentence:  # ", ." : marks in a row are one end, and the sentence still ends
                breaks[-1] = (len(words), True)
        elif words:  # marks before the first word end nothing
            breaks.append((len(words), ends_sentence))
        for piece in parts[index + 1].split():
            words.extend(pieces[piece])
    clause_of: list[int] = []
    sentence_of: list[int] = []
    start = clause = sentence = 0
    for end, ends_sentence in (*breaks, (len(words), True)):
        clause_of.extend((clause,) * (end - start))
        sentence_of.extend((sentence,) * (end - start))
        start, clause, sentence = end, clause + 1, sentence + ends_sentence
    if not _VARIANT_FIRSTS.isdisjoint(words):
        words, clause_of, sentence_of = _unify_aligned(words, clause_of, sentence_of)
    return words, clause_of, sentence_of


def _read_piece(piece: str) -> tuple[str, ...]:
    """The standard words of one piece of text between whitespace and marks: most are one plain
    word ("lurahnya"); others hold several ("rp10.000", "kk/ktp", "14.00")."""
    if piece.isalnum() and piece.isascii():
        return _normal_word[piece]
    return tuple(chain.from_iterable(map(_normal_word.__getitem__, _WORD.findall(piece))))


_piece_words = Memo(_read_piece)


def _unify_aligned(words: list[str], *aligned: list[int]) -> tuple[list, ...]:
    """Spelling variants unified ("kartu keluarga" -> "kk"), with lists aligned to the words
    (the clause and sentence numbers) kept aligned: the words between the variants found are
    copied a slice at a time."""
    unified: list[str] = []
    aligned_out: list[list[int]] = [[] for _values in aligned]
    done = 0  # words before this are copied or replaced
    for position in range(len(words)):
        if words[position] not in _VARIANT_FIRSTS:
            continue
        if position < done:
            continue  # inside a variant already replaced
        found = _variant_at(words, position)
        if found is None:
            continue  # "ktp" alone is already the unified spelling
        length, replacement = found
        unified += words[done:position]
        unified += replacement
        for out, values in zip(aligned_out, aligned, strict=True):
            out += values[done:position]
            out += (values[position],) * len(replacement)
        done = position + length
    if not done:
        return (words, *aligned)
    unified += words[done:]
    for out, values in zip(aligned_out, aligned, strict=True):
        out += values[done:]
    return (unified, *aligned_out)


def _variant_at(words: list[str], position: int) -> tuple[int, tuple[str, ...]] | None:
    """(its number of words, the standard spelling) of the variant said at ``position``, whose
    first word is one a variant starts with; None where none is said."""
    for rest, length, replacement in _VARIANTS_BY_FIRST[words[position]]:
        if words[position + 1 : position + length] == rest:  # list against list
            return length, replacement
    return None


def analyze_pattern(kind: str, pattern: str) -> tuple[str, ...]:
    """A rule's pattern as the engine compares it: words, or stems for a stem rule."""
    words = words_of(pattern)
    if kind == "stem":
        return tuple(filter(None, (stem(word) for word in words)))[:1]
    return tuple(words)
