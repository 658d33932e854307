"""Which words of a complaint carry its point, and who did what.

A citizen's story names many offices: the family context, the RT and the kelurahan already
visited, the office that said "bukan urusan kami", the landmark the stall stands in front of.
The office that must answer is the one whose person did the thing complained of, in the clause
that carries the request. This module reads the analysed words (with the clause and sentence
each one came from) and returns, per word:

- a weight in 0..1: 1 for the point of the complaint, lower for context (earlier sentences
  before a "tapi"/"yang saya keluhkan"), 0 for what is negated ("bukan soal X", "X sudah
  beres", "kata X bukan urusan mereka"), low for an office only named as a place already tried
  or as a landmark;
- a role: the actor noun ("petugas", "oknum", "jukir", ...) for the words that say whose person
  it was ("petugas *dishub*", "berompi *satpol pp*"); "laporan" for an office a report was
  made to that did nothing with it ("sudah lapor ke *dinas sosial* ... tidak ada tanggapan");
  "" otherwise.

Pure Python, a single pass or two over the words: the routing engine's speed depends on it.
"""

# A negation and what it covers: "bukan soal parkir" mutes a few words; "bukan soal/masalah"
# reaches to the end of the clause; "bukan itu" refers back to the clause before.
NEGATIONS = frozenset({"bukan", "selain"})
NEGATION_SPAN = 3
_NEGATED_TOPIC = frozenset({"soal", "masalah", "perkara", "urusan", "karena", "cuma", "hanya"})
_BACK_REFERENCES = frozenset({"itu", "ini", "begitu"})
_NEGATED_TOPIC_SPAN = 8
# "bukan urusan mereka", "bukan wewenang kami": the office that said so is not the one asked.
_DECLINES = frozenset({"urusan", "wewenang", "kewenangan", "tugas", "ranah", "bagian", "tanggung"})
# "X sudah beres", "NIB sudah ada sejak tahun lalu": done, not what the complaint is about.
_ALREADY = frozenset({"sudah", "telah"})
_DONE = frozenset({"beres", "selesai", "aman", "lunas", "tuntas", "clear", "kelar", "oke", "ok"})
_DONE_IF_CLAUSE_ENDS = frozenset({"ada", "keluar", "terbit", "jadi"})
DONE_WEIGHT = 0.1
# "sudah lapor ke polsek", "pernah tanya ke dinas X": a place already tried.
_TRIED_VERBS = frozenset(
    {
        "lapor",
        "melapor",
        "laporkan",
        "mengadu",
        "ngadu",
        "tanya",
        "bertanya",
        "tanyakan",
        "datang",
        "coba",
        "mencoba",
        "bicara",
        "berbicara",
        "mendatangi",
        "ke",
    }
)
_TRIED_CUES = frozenset({"sudah", "pernah", "telah"})
_TRIED_SPAN = 6
# "tidak ada kabar", "belum ditanggapi", "tidak digubris", "tidak ada tindak lanjut".
_UNANSWERED = frozenset(
    {
        "kabar",
        "ditanggapi",
        "digubris",
        "ditindaklanjuti",
        "tindak",
        "dibalas",
        "direspon",
        "respon",
        "jawaban",
        "dijawab",
        "ditangani",
        "tanggapan",
        "diproses",
        "datang",
    }
)
_NOT_DONE_OR_NONE = frozenset({"tidak", "belum", "ada", "pernah"})
# The role of an office a report was made to that did nothing with it.
UNANSWERED_ROLE = "laporan"
TRIED_WEIGHT = 0.25
# A landmark: "di depan kantor dukcapil".
LANDMARKS = frozenset({"depan", "dekat", "samping", "sebelah", "seberang", "belakang", "sekitar"})
LANDMARK_SPAN = 2
LANDMARK_WEIGHT = 0.3
# Where the request starts: after the last of these, earlier words are context.
_TURNS = frozenset({"tapi", "tetapi", "namun", "melainkan", "cuma"})
_POINT_PHRASES = (
    ("yang", "saya", "keluhkan"),
    ("yang", "saya", "permasalahkan"),
    ("yang", "saya", "laporkan"),
    ("yang", "saya", "adukan"),
    ("yang", "mau", "saya", "tanyakan"),
    ("yang", "ingin", "saya", "tanyakan"),
    ("yang", "bikin", "kesal"),
    ("yang", "bikin", "kesel"),
    ("masalahnya",),
    ("intinya",),
    ("keluhan", "saya"),
)
# ... looked up by their first two words ("yang saya"), or the word of a phrase of one.
_POINT_PHRASES_BY_START: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
for _phrase in _POINT_PHRASES:
    _POINT_PHRASES_BY_START.setdefault(_phrase[:2], []).append(_phrase)
_POINT_OPENERS = frozenset({"masalah", "inti", "intinya", "keluhan", "mohon", "tolong"})
CONTEXT_WEIGHT = 0.6
_FOCUS_WORDS = _TURNS | _POINT_OPENERS | {phrase[0] for phrase in _POINT_PHRASES}
_STOP_MUTING = frozenset({"tapi", "tetapi", "melainkan", "namun"})

# Whose person: the noun, then up to ACTOR_SPAN words naming the office or uniform.
ACTORS = frozenset(
    {
        "petugas",
        "oknum",
        "pegawai",
        "staf",
        "staff",
        "karyawan",
        "honorer",
        "pendamping",
        "panitia",
        "anggota",
        "personel",
        "operator",
        "penjaga",
        "jukir",
        "pemadam",
        "berompi",
        "berseragam",
        "bagian",
        "tim",
        "pihak",
        "asn",
        "pak",
        "bapak",
        "orang",
        "urang",
        # the trades whose office follows ("pengelola rusunawa", "guru SD negeri")
        "pengawas",
        "pengelola",
        "bendahara",
        "satpam",
        "sopir",
        "guru",
    }
)
ACTOR_SPAN = 4
# "orang kelurahan X bilang ...": a person of an office only when the office follows at once
# ("per orang", "dua orang", "orang tua" are no one's people).
_LOOSE_ACTORS = frozenset({"orang", "urang"})
_LOOSE_SPAN = 2
_COUNTED_BY = frozenset({"per", "tiap", "setiap", "satu", "dua", "tiga", "para", "banyak"})
# Actor nouns that are themselves an office's trade.
SELF_NAMED = frozenset({"jukir", "pemadam"})
# These end the actor's span: what the actor did, not who the actor is.
_ACTOR_STOPS = frozenset(
    {
        "minta",
        "meminta",
        "memintai",
        "tarik",
        "menarik",
        "bilang",
        "kata",
        "katanya",
        "bayar",
        "tagih",
        "menagih",
        "tapi",
        "datang",
        "nawarin",
        "menawarkan",
        "tawarkan",
        "suruh",
        "menyuruh",
        "pungut",
        "memungut",
        "tidak",
        "belum",
        # what the actor said or claimed to be: "petugas kelurahan menyebut mencetak akta itu
        # jasa", "oknum yang ngaku dari bagian pajak" (the claim is not whose person it was)
        "menyebut",
        "mengatakan",
        "berkata",
        "ngomong",
        "menjawab",
        "jawab",
        "mengaku",
        "ngaku",
        # what the money was for: "diminta 500 ribu oleh petugas untuk memandikan dan ambulans"
        "untuk",
        "supaya",
        "agar",
        "biar",
    }
)
# What an actor does that makes them the one complained about: money asked, taken, cut or held
# back (also what a head of an office is reported for) ...
MONEY_DEEDS = frozenset(
    {
        "minta",
        "meminta",
        "memintai",
        "diminta",
        "dimintai",
        "tarik",
        "menarik",
        "ditarik",
        "pungut",
        "memungut",
        "tagih",
        "menagih",
        "potong",
        "memotong",
        "palak",
        "memalak",
        "uang",
        "tahan",
        "menahan",
        # What the demanded money is called: "asal ada komitmen 10%", "uang pelicin".
        "setoran",
        "komitmen",
        "pelicin",
        "imbalan",
        "fee",
        "setor",
        "menyetor",
    }
)
# ... conduct complained of in itself (whose person behaved so is whose office answers) ...
MISCONDUCT = frozenset(
    {
        "memaki",
        "membentak",
        "mengusir",
        "mendorong",
        "melempar",
        "menyebarkan",
        "memaksa",
        "mengancam",
    }
)
# ... and offers and hindrance.
DEEDS = (
    MONEY_DEEDS
    | MISCONDUCT
    | {"nawarin", "menawarkan", "tawarkan", "bayar", "mempersulit", "persulit", "kasih", "menolak"}
)
_NOT_DONE = frozenset({"tidak", "belum", "bukan", "tanpa"})
# "... itu honorer kelurahan", "... oleh petugas X": the actor named after the deed.
_NAMED_AFTER = frozenset({"itu", "adalah", "ialah", "yaitu", "oleh"})
# "di kantor X ada staf ...": how far before the actor noun the office it sits in is looked for.
_PLACE_LOOKBACK = 8
_SEATS = frozenset({"kantor", "dinas", "badan", "loket"})
# Words skipped inside an actor's span without ending it.
_ACTOR_GLUE = frozenset(
    {"dari", "di", "kantor", "dinas", "yang", "pakai", "dengan", "rompi", "ada", "seorang"}
    # "petugas yang memeriksa (alat pemadam)": inspecting is every office's work; what was
    # inspected may say whose person it was, the inspecting does not.
    | {"memeriksa", "pemeriksa", "periksa", "meninjau", "peninjau", "mengecek", "ngecek", "cek"}
)


# "di dinas X dimintai 150rb": the office named as where the demand was made is the actor's,
# though no person is named.
PASSIVE_DEEDS = frozenset(
    {"dimintai", "diminta", "ditarik", "dipungut", "dipalak", "ditagih", "dikenai", "dikenakan"}
)
# A passive deed followed at once by who did it ("dipotong bendahara ...", "dibentak satpam").
_DONE_BY = PASSIVE_DEEDS | {
    "dipotong",
    "ditahan",
    "dimintain",
    "dipersulit",
    "dibentak",
    "dimaki",
    "dimarahi",
    "diusir",
    "diancam",
    "dipaksa",
}
_PLACE_ROLE = "petugas"
# "rekomendasi dari dinas X belum keluar", "menunggu berkas dari kelurahan Y": the office the
# paper must come from is the one holding the case up, whoever else the story names.
_FROM = "dari"
_PENDING = frozenset({"belum", "tertahan", "menunggu", "tunggu", "tinggal", "kunjung"})
_PENDING_LOOKAROUND = 8
# ... though "tinggal" after a person or before a place is where someone lives.
_PEOPLE = frozenset({"saya", "kita", "mereka", "dia", "ia", "warga", "keluarga", "yang"})
_RESIDING_AT = frozenset({"di", "dekat", "bersama", "dengan", "sendiri", "beberapa"})

# "surat di kelurahan X belum keluar": the local office a paper lies at holds it up too.
_LOCAL_SEATS = frozenset({"kelurahan", "kecamatan"})
# ... and where a bare actor sits: "di kelurahan", "di kantor lurah".
_LOCAL_OFFICE_WORDS = _LOCAL_SEATS | {"lurah", "camat"}

# The head of an office named as the one who did it: "kepala dinas X minta setoran", "camat
# sendiri yang minta 2 juta", "kadinsos yg motong bansos". Such a complaint goes to the
# Inspektorat as primary, never to that office ("melibatkan pimpinan"), whether or not the
# reporter ticked the box. A lurah leads a kelurahan, a part of the kecamatan office, and a
# kepala sekolah, puskesmas or bidang a unit: none of them heads an office.
HEAD_ROLE = "pimpinan"
_HEADS = frozenset(
    {
        "camat",
        "sekda",
        "pimpinan",
        "kadis",
        "kadin",
        "kaban",
        "kalak",
        "kasatpol",
        "kadinkes",
        "kadinsos",
        "kadisdik",
        "kadisdikbud",
        "kadishub",
        "kadisnaker",
        "kadiskominfo",
        "kadisperindag",
        "kadispar",
        "kadispora",
        "kadiskan",
        "kadisdukcapil",
    }
)
# Heads said in two words: "kepala dinas/badan ...", "direktur rsud/rumah sakit".
_HEAD_TITLES = {
    "kepala": frozenset({"dinas", "badan", "kantor", "satpol", "pelaksana"}),
    "direktur": frozenset({"rsud", "rumah", "rs"}),
}
# What a head is reported for: money (taken from the budget or given to them too) and
# misconduct. Not a refusal: a camat who will not sign is the kecamatan office's delay.
_HEAD_DEEDS = MONEY_DEEDS | MISCONDUCT | {"dipotong", "amplop", "suap", "jatah"}
# "kantor camat", "lapor ke camat", "staf camat", "bukan camatnya": the head is not the actor.
_NOT_THE_HEAD = frozenset({"kantor", "ke", "kepada", "bukan", "selain"}) | ACTORS
_HEAD_FLOOR = 0.5  # below this weight (negated, tried, a landmark) the head did nothing
_HEAD_SPAN_ENDS = _HEAD_DEEDS | _ACTOR_STOPS | {"sendiri", "yang", "nya", "itu", "di", "ke"}

# "KK untuk daftar sekolah", "SKU buat pinjaman KUR": after a paper, what it is wanted for
# names where it will be used, not whose paper it is or who holds it up.
_PURPOSES = frozenset({"untuk", "buat", "supaya", "agar", "biar"})
_PAPERS = frozenset(
    {"ktp", "kk", "kia", "akta", "surat", "sku", "skck", "sktm", "pengantar", "keterangan"}
)
_USES = frozenset(
    {"daftar", "mendaftar", "pendaftaran", "masuk", "syarat", "persyaratan", "pinjaman"}
    | {"pinjam", "melamar", "lamaran", "kerja", "bisa", "urus", "mengurus", "ngurus"}
)
_PAPER_LOOKBACK = 8
_PURPOSE_SPAN = 5
PURPOSE_WEIGHT = 0.3

# "yang menahan adalah bagian keuangan BPKAD", "yang minta uang ialah juru pungut dari
# kelurahan X": a cleft names after "adalah" who did what its "yang" clause says.
_CLEFTS = frozenset({"adalah", "ialah"})
_CLEFT_ROLE = "pihak"
_CLEFT_LOOKBACK = 12

_TRIGGERS = (
    NEGATIONS
    | _CLEFTS
    | _PURPOSES
    | LANDMARKS
    | _ALREADY
    | ACTORS
    | PASSIVE_DEEDS
    | {_FROM}
    | _LOCAL_SEATS
    | _HEADS
    | set(_HEAD_TITLES)
)


def weigh(
    words: list[str], clauses: list[int], sentences: list[int]
) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """Per word: its weight (how much it speaks of the complaint's point) and its actor role."""
    count = len(words)
    if not count:
        return (), ()
    point = _point_start(words, sentences)
    weights = [CONTEXT_WEIGHT] * point + [1.0] * (count - point)
    roles = [""] * count
    # Only the few trigger words do anything.
    heads = []
    for index in range(count):
        word = words[index]
        if word not in _TRIGGERS:
            continue
        if word in _HEADS or word in _HEAD_TITLES:
            heads.append(index)  # weighed once every negation and tried place is known
        elif word in NEGATIONS:
            _negation(words, clauses, index, weights)
        elif word in LANDMARKS:
            _mute_after(words, clauses, index, LANDMARK_SPAN, LANDMARK_WEIGHT, weights)
        elif word in _ALREADY:
            _already(words, clauses, sentences, index, weights, roles)
        elif word in ACTORS:
            if _does_the_deed(words, sentences, index):
                _actor(words, clauses, sentences, index, roles)
        elif word in PASSIVE_DEEDS:
            _demanded_at(words, clauses, index, roles, weights)
        elif word == _FROM:
            _awaited_from(words, clauses, index, roles, weights)
        elif word in _LOCAL_SEATS and index and words[index - 1] == "di":
            _awaited_from(words, clauses, index - 1, roles, weights)
        elif word in _CLEFTS:
            _cleft(words, clauses, sentences, index, roles)
        elif word in _PURPOSES:
            _purpose(words, sentences, index, weights)
    for index in heads:
        _head(words, clauses, sentences, index, weights, roles)
    return tuple(weights), tuple(roles)


def _point_start(words: list[str], sentences: list[int]) -> int:
    """Where the point of a story of several sentences starts: at the last turn ("tapi", "yang
    saya keluhkan"); the words before it are context. 0 when there is no such turn."""
    if not sentences or sentences[-1] == 0:
        return 0  # one sentence: no story to weigh
    start = 0
    for index in range(len(words)):
        word = words[index]
        if word not in _FOCUS_WORDS:
            continue
        if word in _TURNS and index > 0:
            start = index
        elif word in _POINT_OPENERS and index > 0 and sentences[index - 1] != sentences[index]:
            start = index  # "Masalahnya, ...", "Mohon ...": a sentence that states the point
        elif any(
            tuple(words[index : index + len(phrase)]) == phrase
            for phrase in _POINT_PHRASES_BY_START.get(tuple(words[index : index + 2]), ())
            or _POINT_PHRASES_BY_START.get((word,), ())
        ):
            start = index
    return start


def _negation(words, clauses, index, weights) -> None:
    following = words[index + 1] if index + 1 < len(words) else ""
    after = words[index + 2] if index + 2 < len(words) else ""
    if following in _BACK_REFERENCES or (following in _NEGATED_TOPIC and after in _BACK_REFERENCES):
        # "sudah saya bayar, bukan itu": the clause before is what it is not about.
        _mute_clause_before(clauses, index, 0.0, weights, previous=True)
        return
    if following in _DECLINES:
        # "kata dinas X bukan urusan mereka": the office in this sentence declined.
        _mute_clause_before(clauses, index, 0.0, weights, previous=False, whole_sentence=True)
        return
    span = _NEGATED_TOPIC_SPAN if following in _NEGATED_TOPIC else NEGATION_SPAN
    _mute_after(words, clauses, index, span, 0.0, weights)


def _already(words, clauses, sentences, index, weights, roles) -> None:
    """'X sudah beres': mute X. 'sudah lapor ke polsek': mute the place tried."""
    following = words[index + 1] if index + 1 < len(words) else ""
    after = words[index + 2] if index + 2 < len(words) else ""
    ends = (
        index + 2 >= len(words)
        or clauses[index + 2] != clauses[index]
        or after
        in (
            "dari",
            "sejak",
        )
    )
    if following in _DONE or (following in _DONE_IF_CLAUSE_ENDS and ends):
        _mute_clause_before(clauses, index, DONE_WEIGHT, weights, previous=False)
        return
    position = index + 1
    if following in _TRIED_VERBS and following != "ke":
        position += 1
    if position < len(words) and words[position] in ("ke", "dengan") and following in _TRIED_VERBS:
        _mute_after(words, clauses, position, _TRIED_SPAN, TRIED_WEIGHT, weights)
        if _left_unanswered(words, sentences, position):
            # "sudah lapor ke inspektorat ... tidak ada kabar": the office tried is the one
            # that did nothing; its name keeps its low weight but is whose inaction it was.
            _name_span(
                words, clauses, position + 1, clauses[position], ACTOR_SPAN, UNANSWERED_ROLE, roles
            )


def _left_unanswered(words, sentences, index) -> bool:
    """Whether the sentence of ``index`` or the next says, after it, that nothing came of it."""
    sentence = sentences[index]
    for position in range(index + 1, len(words)):
        if sentences[position] > sentence + 1:
            return False
        word = words[position]
        if word in _UNANSWERED and position and words[position - 1] in _NOT_DONE_OR_NONE:
            return True
    return False


def _mute_after(words, clauses, index, span, weight, weights) -> None:
    clause = clauses[index]
    for following in range(index + 1, min(index + 1 + span, len(words))):
        if words[following] in _STOP_MUTING or clauses[following] != clause:
            break
        weights[following] = min(weights[following], weight)


def _purpose(words, sentences, index, weights) -> None:
    """'KK untuk daftar sekolah': mute what a paper is wanted for (the words after the use)."""
    if index + 1 >= len(words) or words[index + 1] not in _USES:
        return
    sentence = sentences[index]
    start = max(0, index - _PAPER_LOOKBACK)
    if not any(
        words[position] in _PAPERS and sentences[position] == sentence
        for position in range(start, index)
    ):
        return
    for position in range(index + 1, min(index + 1 + _PURPOSE_SPAN, len(words))):
        if sentences[position] != sentence or words[position] in _STOP_MUTING:
            break
        weights[position] = min(weights[position], PURPOSE_WEIGHT)


def _mute_clause_before(
    clauses, index, weight, weights, *, previous: bool, whole_sentence: bool = False
) -> None:
    """Mute the words of this clause before ``index`` (and of the clause before, with
    ``previous``; back to the start of the clause run with ``whole_sentence``)."""
    clause = clauses[index]
    first = index
    while first > 0 and clauses[first - 1] == clause:
        first -= 1
    if previous or whole_sentence:
        earlier = clauses[first - 1] if first > 0 else None
        while first > 0 and clauses[first - 1] == earlier:
            first -= 1
    for position in range(first, index):
        weights[position] = min(weights[position], weight)


def _does_the_deed(words, sentences, index) -> bool:
    """An actor counts when the same sentence says what they took, asked or held back: after
    the actor, or before it when the actor is named last ("yang minta 30 ribu itu honorer
    kelurahan", "dimintai uang oleh petugas X")."""
    sentence = sentences[index]
    for position in range(index + 1, len(words)):
        if sentences[position] != sentence:
            break
        if words[position] in DEEDS and words[position - 1] not in _NOT_DONE:
            return True
    if index and words[index - 1] in _DONE_BY:
        return True  # "gaji dipotong bendahara dinas sosial": the agent right after the deed
    if not index or words[index - 1] not in _NAMED_AFTER:
        return False
    for position in range(index - 2, -1, -1):
        if sentences[position] != sentence:
            return False
        if words[position] in DEEDS and (not position or words[position - 1] not in _NOT_DONE):
            return True
    return False


def _cleft(words, clauses, sentences, index, roles) -> None:
    """After "yang ... adalah": the words naming who did it carry the actor's role (an actor
    noun right after "adalah" is an actor of its own, found by ``_does_the_deed``)."""
    following = index + 1
    if following >= len(words) or words[following] in ACTORS:
        return
    sentence = sentences[index]
    for position in range(index - 1, max(-1, index - _CLEFT_LOOKBACK), -1):
        if sentences[position] != sentence:
            return
        if words[position] == "yang":
            break
    else:
        return
    _name_span(words, clauses, following, clauses[following], ACTOR_SPAN, _CLEFT_ROLE, roles)


def _head(words, clauses, sentences, index, weights, roles) -> None:
    """Mark the head of an office who did the deed (the title and the office after it) with
    ``HEAD_ROLE``; the engine sends such a complaint to the Inspektorat."""
    word = words[index]
    following = words[index + 1] if index + 1 < len(words) else ""
    titled = _HEAD_TITLES.get(word)
    if titled is not None and following not in titled:
        return  # "kepala sekolah", "direktur perusahaan": not the head of an office
    if weights[index] < _HEAD_FLOOR or (index and words[index - 1] in _NOT_THE_HEAD):
        return
    sentence = sentences[index]
    deed = False
    for position in range(len(words)):
        if sentences[position] == sentence and words[position] in _HEAD_DEEDS:
            if not position or words[position - 1] not in _NOT_DONE:
                deed = True
                break
    if not deed:
        return
    roles[index] = HEAD_ROLE
    # The office after the title ("kepala dinas pendidikan"), up to what the head did.
    for position in range(index + 1, min(index + 1 + ACTOR_SPAN, len(words))):
        if clauses[position] != clauses[index] or words[position] in _HEAD_SPAN_ENDS:
            break
        roles[position] = roles[position] or HEAD_ROLE


def _actor(words, clauses, sentences, index, roles) -> None:
    noun = words[index]
    if noun in SELF_NAMED:
        roles[index] = noun  # "jukir" names its office itself; "di pasar" is only the place
        return
    span = ACTOR_SPAN
    if noun in _LOOSE_ACTORS:
        before = words[index - 1] if index else ""
        if before in _COUNTED_BY or before.isdigit():
            return
        span = _LOOSE_SPAN
    _name_span(words, clauses, index + 1, clauses[index], span, noun, roles)
    _actor_place(words, clauses, index, roles)
    if noun not in roles[max(0, index - _PLACE_LOOKBACK) : index + 1 + 2 * span]:
        _actor_local_seat(words, sentences, index, roles)


def _actor_local_seat(words, sentences, index, roles) -> None:
    """'ngurus pindah di kelurahan nusa indah, staf minta 150rb': an actor named by nothing
    but the noun is a person of the kelurahan or kecamatan office the sentence put the
    reporter in before ("di kelurahan", "di kantor lurah"), unless a turn came between
    ("di kelurahan X, tapi oknum petugas dinas ...")."""
    sentence = sentences[index]
    for position in range(index - 1, max(-1, index - 1 - _PLACE_LOOKBACK), -1):
        if sentences[position] != sentence or words[position] in _TURNS:
            return
        if (
            words[position] in _LOCAL_OFFICE_WORDS
            and position
            and (
                words[position - 1] == "di"
                or (
                    words[position - 1] == "kantor" and position > 1 and words[position - 2] == "di"
                )
            )
        ):
            roles[position] = roles[position] or words[index]
            return


def _name_span(words, clauses, start, clause, span, role, roles) -> None:
    """Give ``role`` to up to ``span`` words from ``start`` that name an office (glue words
    skipped), until the clause ends or what the actor did begins."""
    taken = 0
    for position in range(start, len(words)):
        word = words[position]
        if clauses[position] != clause or word in _ACTOR_STOPS or taken >= span:
            break
        if word == "saya" and (
            position + 1 == len(words)
            or clauses[position + 1] != clause
            or words[position + 1] in _ACTOR_STOPS
            or words[position + 1] in DEEDS
        ):
            # "panitia pasar malam kami meminta": the reporter's own people name no office
            # ("guru kelas anak saya di SD" is someone else's)
            for named in range(start, position):
                if roles[named] == role:
                    roles[named] = ""
            return
        if word == "yang" and taken:
            # "pegawai kelurahan X yang ngantar SPPT": the office is named; what follows
            # "yang" is what the person did ("pegawai yang ngurus aset" names it by the duty)
            break
        if word in _ACTOR_GLUE or word in ACTORS:
            # "oknum pegawai dinas kesehatan": the second noun is the same person, no office
            continue
        roles[position] = roles[position] or role
        taken += 1


def _actor_place(words, clauses, index, roles) -> None:
    """'di kantor camat X ada staf yg minta ...': the office the actor sits in, said before
    the noun in the same clause, is the actor's office too (not "di depan kantor": a landmark
    is only where it happened, and the landmark rule has muted it already)."""
    clause = clauses[index]
    first = max(0, index - _PLACE_LOOKBACK)
    for position in range(index - 2, first - 1, -1):
        if clauses[position] != clause:
            return
        if words[position] in _SEATS and position > 0 and words[position - 1] == "di":
            named = [at for at in range(position + 1, index) if words[at] not in _ACTOR_GLUE]
            # Only the office's name between "kantor" and the noun: "di dinas X tapi oknum Y"
            # or "di kantor X saya bertemu staf" say something else.
            if len(named) > ACTOR_SPAN or any(words[at] in _TURNS for at in named):
                return
            for at in named:
                roles[at] = roles[at] or words[index]
            return


def _demanded_at(words, clauses, index, roles, weights) -> None:
    """'di kantor lurah saya dimintai uang': the office after the "di kantor/dinas/badan"
    that opens this clause (up to the deed) is whose people asked; "di pasar", "di depan
    kantor ..." only say where."""
    clause = clauses[index]
    for position in range(index - 1, max(-1, index - 1 - _PLACE_LOOKBACK), -1):
        if clauses[position] != clause:
            return
        if words[position] != "di":
            continue
        if position + 1 >= index or words[position + 1] not in _SEATS:
            return  # "di pasar", "di tepi jalan": where it happened, not whose office
        taken = 0
        for named in range(position + 1, index):
            if taken >= ACTOR_SPAN or weights[named] <= 0:
                break
            if words[named] in _ACTOR_GLUE:
                continue
            roles[named] = roles[named] or _PLACE_ROLE
            taken += 1
        return


def _resides(words, index) -> bool:
    """'kami tinggal ... dari pantai', 'tinggal di pesisir': "tinggal" where someone lives, not
    what is left to wait for ("tinggal tanda tangan")."""
    if words[index] != "tinggal":
        return False
    before = words[index - 1] if index else ""
    after = words[index + 1] if index + 1 < len(words) else ""
    return before in _PEOPLE or after in _RESIDING_AT


def _awaited_from(words, clauses, index, roles, weights) -> None:
    """'izin tertahan karena rekomendasi dari dinas kesehatan belum keluar': the office after
    "dari" (or "di kelurahan") in a clause that says something is still awaited is whose
    people hold it up."""
    clause = clauses[index]
    first = max(0, index - _PENDING_LOOKAROUND)
    last = min(len(words), index + _PENDING_LOOKAROUND)
    # Most windows hold no word of waiting at all: that is seen at C speed first.
    if _PENDING.isdisjoint(words[first:last]) or not any(
        words[at] in _PENDING and clauses[at] == clause and not _resides(words, at)
        for at in range(first, last)
        if at != index
    ):
        return
    taken = 0
    for named in range(index + 1, len(words)):
        word = words[named]
        if clauses[named] != clause or word in _PENDING or word in _ACTOR_STOPS:
            break
        if taken >= ACTOR_SPAN or weights[named] <= 0:
            break
        if word in _ACTOR_GLUE:
            continue
        roles[named] = roles[named] or _PLACE_ROLE
        taken += 1
