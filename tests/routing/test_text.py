"""Indonesian text as citizens type it (``routing.text``), without a database.

Case and punctuation folding, slang and spelling variants, Sastrawi stems and stopwords, the
weights that mute negated words and landmarks, and rupiah amounts written every usual way.
"""

import pytest

from routing.clauses import CONTEXT_WEIGHT, DONE_WEIGHT, TRIED_WEIGHT
from routing.text import (
    LANDMARK_WEIGHT,
    _structured_words,
    analyze,
    analyze_pattern,
    extract_amounts,
    fold,
    stem,
    words_of,
)


def amounts(text: str) -> tuple[int, ...]:
    return analyze(text).amounts


# --- Folding ------------------------------------------------------------------------------------


def test_case_and_punctuation_are_folded():
    assert words_of("PARKIR!!! Mahal... (di Pasar)") == ["parkir", "mahal", "di", "pasar"]


def test_accents_and_compatibility_characters_are_unified():
    assert fold("Café ＫＴＰ") == "cafe ktp"


def test_letters_repeated_for_emphasis_are_cut():
    assert words_of("lamaaaa bangeeeet") == ["lama", "banget"]


# --- Slang and spelling variants ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("slang", "standard"),
    [
        ("yg", "yang"),
        ("tdk", "tidak"),
        ("gk", "tidak"),
        ("nggak", "tidak"),
        ("krn", "karena"),
        ("sdh", "sudah"),
        ("udh", "sudah"),
        ("bgt", "banget"),
        ("blm", "belum"),
        ("mgg", "minggu"),
    ],
)
def test_slang_is_expanded(slang, standard):
    assert words_of(slang) == [standard]
    assert words_of(slang.upper()) == [standard]


def test_slang_that_stands_for_several_words_is_split():
    assert words_of("dll") == ["dan", "lain", "lain"]


@pytest.mark.parametrize(
    "spelling",
    ["e-KTP", "KTP-el", "ektp", "E KTP", "e_ktp", "KTP elektronik", "kartu tanda penduduk"],
)
def test_spellings_of_the_identity_card_become_ktp(spelling):
    assert words_of(f"urus {spelling} lama") == ["urus", "ktp", "lama"]


def test_kartu_keluarga_becomes_kk():
    assert words_of("Kartu Keluarga") == ["kk"]


# --- Word forms and stems ------------------------------------------------------------------------


def test_nya_suffix_is_dropped():
    assert words_of("karcisnya tidak dikasih, lurahnya diam") == [
        "karcis",
        "tidak",
        "dikasih",
        "lurah",
        "diam",
    ]


def test_words_that_merely_end_in_nya_are_kept():
    assert words_of("sesungguhnya") == ["sesungguhnya"]
    assert words_of("bertanya") == ["bertanya"]


def test_reduplication_written_with_a_2_is_one_word():
    assert words_of("KTP blm jadi2") == ["ktp", "belum", "jadi"]
    assert words_of("cair2") == ["cair"]


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("pengurusan", "urus"),
        ("berlubang", "lubang"),
        ("pelayanan", "layan"),
        ("dipungut", "pungut"),
        ("pembuatan", "buat"),
    ],
)
def test_affixed_words_stem_to_their_root(word, root):
    assert stem(word) == root
    assert analyze(word).stems == (root,)


def test_stopwords_have_an_empty_stem():
    analysis = analyze("yang dan di ke dari")
    assert analysis.words == ("yang", "dan", "di", "ke", "dari")
    assert analysis.stems == ("", "", "", "", "")


def test_words_that_matter_in_a_complaint_are_not_stopwords():
    analysis = analyze("minta uang tanpa karcis")
    assert all(analysis.stems), analysis


def test_numbers_have_no_stem():
    assert analyze("3 minggu").stems[0] == ""


def test_words_stems_and_weights_are_aligned():
    analysis = analyze("Sdh 3 mgg e-KTP blm jadi2, pelayanannya lamaaa bgt!!")
    assert len(analysis.words) == len(analysis.stems) == len(analysis.weights)


# --- Weights: negation and landmarks -------------------------------------------------------------


def weight_of(analysis, word: str) -> float:
    return analysis.weights[analysis.words.index(word)]


def test_negation_mutes_the_next_words_until_tapi():
    analysis = analyze("bukan soal parkir, tapi sampah")
    assert weight_of(analysis, "parkir") == 0.0
    assert weight_of(analysis, "sampah") == 1.0


def test_negation_reaches_only_a_few_words():
    analysis = analyze("bukan soal itu saja ada jukir")
    assert weight_of(analysis, "jukir") == 1.0


def test_a_landmark_is_muted_but_the_topic_is_not():
    analysis = analyze("di depan kantor dukcapil ada jukir")
    assert weight_of(analysis, "dukcapil") == LANDMARK_WEIGHT
    assert LANDMARK_WEIGHT < 1.0
    assert weight_of(analysis, "jukir") == 1.0


def test_without_context_every_word_weighs_one():
    assert set(analyze("jukir minta uang parkir").weights) == {1.0}


# --- Amounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("minta 10rb", (10000,)),
        ("minta 10RB", (10000,)),
        ("minta 10 ribu", (10000,)),
        ("minta 20 rb", (20000,)),
        ("minta Rp 10.000", (10000,)),
        ("minta Rp10.000", (10000,)),
        ("minta rp10rb", (10000,)),
        ("bayar Rp. 25.000,-", (25000,)),
        ("minta 10k", (10000,)),
        ("habis 1,5jt", (1500000,)),
        ("habis 1.5jt", (1500000,)),
        ("habis 2 juta", (2000000,)),
        ("habis 2jt", (2000000,)),
        ("bayar 10.000", (10000,)),
        ("bayar Rp 1.500.000", (1500000,)),
        ("minta sepuluh ribu", (10000,)),
        ("minta seribu", (1000,)),
        ("minta lima belas ribu", (15000,)),
        ("minta seratus dua puluh ribu", (120000,)),
        ("minta tiga ratus lima puluh ribu", (350000,)),
        ("minta dua juta lima ratus ribu", (2500000,)),
    ],
)
def test_amounts_are_read_in_every_usual_way(text, expected):
    assert amounts(text) == expected


def test_several_amounts_in_one_text_are_all_found_in_order():
    assert amounts("bayar 5rb, lalu Rp 10.000 lagi, terakhir 2 juta") == (5000, 10000, 2000000)


def test_amounts_in_words_and_digits_together():
    assert set(amounts("awalnya lima ribu, sekarang 15rb")) == {5000, 15000}


def test_the_same_amount_twice_is_listed_once():
    assert amounts("10rb pagi, 10rb sore") == (10000,)


@pytest.mark.parametrize(
    "text",
    [
        "tanggal 12 bulan 3 jam 10",
        "sudah 3 mgg",
        "rumah no 27 rt 05",
        "antri dari jam 7",
        "tgl 17.08 kemarin",
        "pukul 10.30 pagi",
        "daftar tgl 12/05/2024",
        "kelurahan 17.71.06.1006",
    ],
)
def test_small_bare_numbers_are_not_money(text):
    assert amounts(text) == ()


def test_a_unit_alone_is_not_an_amount():
    assert amounts("harganya ribuan rb") == ()


def test_extract_amounts_takes_folded_text():
    assert extract_amounts(fold("MINTA 10RB")) == (10000,)


# --- Text with nothing to read -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   \n\t ", "😡😡😡 📷", "مرحبا، أريد تقديم شكوى", "我要投诉停车收费", "!!! ??? ..."],
    ids=["empty", "whitespace", "emoji", "arabic", "chinese", "punctuation"],
)
def test_text_without_latin_words_gives_an_empty_analysis(text):
    analysis = analyze(text)
    assert analysis.words == analysis.stems == analysis.weights == ()
    assert analysis.amounts == ()


def test_none_is_read_as_empty():
    assert fold(None) == ""


# --- Rule patterns -------------------------------------------------------------------------------


def test_a_keyword_pattern_is_its_folded_word():
    assert analyze_pattern("keyword", "Jukir") == ("jukir",)


def test_a_keyword_pattern_gets_the_same_variants_as_the_text():
    assert analyze_pattern("keyword", "E-KTP") == ("ktp",)
    assert analyze_pattern("phrase", "Kartu Keluarga") == ("kk",)


def test_a_stem_pattern_is_the_root_of_its_first_word():
    assert analyze_pattern("stem", "pengurusan") == ("urus",)
    assert analyze_pattern("stem", "berlubang jalan") == ("lubang",)


def test_a_phrase_pattern_keeps_its_words_in_order():
    assert analyze_pattern("phrase", "Uang bangku!") == ("uang", "bangku")
    assert analyze_pattern("phrase", "tdk ada karcis") == ("tidak", "ada", "karcis")


@pytest.mark.parametrize(
    ("kind", "pattern"), [("keyword", "!!!"), ("phrase", "😡 ..."), ("stem", "yang")]
)
def test_a_pattern_with_nothing_left_is_empty(kind, pattern):
    assert analyze_pattern(kind, pattern) == ()


def test_a_pattern_matches_the_analysed_text():
    text = analyze("Tukang parkir minta 10rb, karcisnya gk dikasih")
    assert analyze_pattern("keyword", "karcis")[0] in text.words
    assert analyze_pattern("stem", "parkiran")[0] in text.stems
    phrase = analyze_pattern("phrase", "tukang parkir")
    assert text.words[: len(phrase)] == phrase


# --- Bengkulu Malay and chat spelling ------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "standard"),
    [
        ("apo", ["apa"]),
        ("tigo", ["tiga"]),
        ("kato", ["kata"]),
        ("samo", ["sama"]),
        ("dak", ["tidak"]),
        ("ndak", ["tidak"]),
        ("nian", ["banget"]),
        ("jingok", ["lihat"]),
        ("kami", ["saya"]),
        ("sy", ["saya"]),
        ("udh", ["sudah"]),
        ("dsuruh", ["disuruh"]),
        ("dtg", ["datang"]),
        ("dateng", ["datang"]),
        ("bgt", ["banget"]),
        ("uangnyo", ["uang"]),
        ("dakdo", ["tidak", "ada"]),
        # final -o for -a wherever the -a form is a word: no list to keep up
        ("minto", ["minta"]),
        ("diminto", ["diminta"]),
        ("dimintonyo", ["diminta"]),
        ("kerjo", ["kerja"]),
        ("keluargo", ["keluarga"]),
        ("ditanyo", ["ditanya"]),  # "-nyo" that is no possessive
        ("betanyo", ["bertanya"]),
        ("nanyo", ["tanya"]),  # the -a form is itself chat spelling
        ("siko", ["sini"]),
        # "smp"/"sd" before "now" are "sampai (dengan)", elsewhere the schools
        ("smp skrg", ["sampai", "sekarang"]),
        ("sd saat ini", ["sampai", "saat", "ini"]),
        ("smp negeri 3", ["smp", "negeri", "3"]),
        ("buka smp jam 3", ["buka", "sampai", "jam", "3"]),
        ("sd pukul 10", ["sampai", "pukul", "10"]),
        # the mayor and the city hall written as one word, as often as not
        ("kantor walikota", ["kantor", "wali", "kota"]),
        ("di balaikota", ["di", "balai", "kota"]),
    ],
)
def test_dialect_and_chat_spelling_become_standard_words(typed, standard):
    assert words_of(typed) == standard


@pytest.mark.parametrize("word", ["toko", "foto", "radio", "video", "kilo", "joko"])
def test_words_that_end_in_o_of_their_own_keep_it(word):
    assert words_of(word) == [word]


def test_a_dialect_sentence_without_punctuation_reads_as_indonesian():
    assert words_of("kato nyo samo bae dak ado karcis") == [
        "kata",
        "nyo",
        "sama",
        "bae",
        "tidak",
        "ada",
        "karcis",
    ]


# --- Clauses: the point, what is negated or done, who did it ------------------------------------


def test_words_before_the_turn_of_a_story_are_context():
    analysis = analyze("KK kami urus di capil. Tapi sampah di gang tidak diangkut.")
    assert weight_of(analysis, "capil") == CONTEXT_WEIGHT < 1.0
    assert weight_of(analysis, "sampah") == 1.0


def test_a_single_sentence_has_no_context_to_weigh():
    analysis = analyze("capil lambat tapi sampah juga")
    assert weight_of(analysis, "capil") == 1.0


def test_negation_about_a_topic_reaches_the_end_of_its_clause():
    analysis = analyze("bukan masalah izin usaha dan nib sama sekali, pinjaman modal belum cair")
    assert weight_of(analysis, "nib") == 0.0
    assert weight_of(analysis, "pinjaman") == 1.0


def test_bukan_itu_mutes_the_clause_before():
    analysis = analyze("pajak bumi sudah saya bayar, bukan itu. sewa tanah naik")
    assert weight_of(analysis, "pajak") == 0.0
    assert weight_of(analysis, "sewa") == 1.0


def test_an_office_that_declined_is_muted():
    analysis = analyze("kata disnaker bukan urusan mereka, gaji berkala belum naik")
    assert weight_of(analysis, "disnaker") == 0.0
    assert weight_of(analysis, "gaji") == 1.0


def test_what_is_already_done_is_muted():
    analysis = analyze("ktp sudah beres, kk belum jadi")
    assert weight_of(analysis, "ktp") == DONE_WEIGHT < 0.5
    assert weight_of(analysis, "kk") == 1.0


def test_a_place_already_tried_is_muted():
    analysis = analyze("sudah lapor ke polsek, jalan tetap rusak")
    assert weight_of(analysis, "polsek") == TRIED_WEIGHT < 0.5
    assert weight_of(analysis, "jalan") == 1.0


def role_of(analysis, word: str) -> str:
    return analysis.roles[analysis.words.index(word)]


def test_the_office_of_an_actor_who_asks_for_money_is_marked():
    analysis = analyze("di pasar ada petugas berompi dishub narik 10rb")
    assert role_of(analysis, "dishub") == "petugas"
    assert role_of(analysis, "pasar") == ""  # where it happened, not whose person


def test_an_actor_who_did_nothing_is_not_marked():
    analysis = analyze("petugas puskesmas ramah, tidak minta apa apa")
    assert set(analysis.roles) == {""}


@pytest.mark.parametrize(
    ("text", "clauses", "sentences"),
    [
        # a line break, ". " "!" "?" and ";" end a sentence; ", " ":" "(" ")" and " - " a clause
        ("satu dua\ntiga", [0, 0, 1], [0, 0, 1]),
        ("satu. dua! tiga? empat; lima", [0, 1, 2, 3, 4], [0, 1, 2, 3, 4]),
        ("satu, dua: tiga (empat) lima - enam", [0, 1, 2, 3, 4, 5], [0] * 6),
        # marks in a row are one end; an inner "!?;" still ends ("a;b")
        ("satu ,. dua !!! tiga;empat", [0, 1, 2, 3], [0, 1, 2, 3]),
        # the dot in "14.00" and the comma in "1,5jt" end nothing; "-" inside a word neither
        ("jam 14.00 bayar 1,5jt jadi-jadi", [0] * 8, [0] * 8),
        # a dash at the very start or end leaves the numbering alone
        ("- satu dua -", [0, 0], [0, 0]),
        # marks inside a piece of text: "," ends nothing there, "(" ")" ";" do; ") ;" is one end
        ("bayar rp10.000,lalu (rp5rb);selesai", [0, 0, 0, 0, 1, 2], [0, 0, 0, 0, 0, 1]),
        # an ellipsis and blank lines end one sentence; a "-" between spaces ends a clause
        ("Sudah 2 minggu...\n\nTolong - segera!!", [0, 0, 0, 1, 2], [0, 0, 0, 1, 1]),
    ],
)
def test_sentences_and_clauses_end_where_the_punctuation_says(text, clauses, sentences):
    words, clause_of, sentence_of = _structured_words(fold(text))
    assert len(words) == len(clauses), words
    assert clause_of == clauses
    assert sentence_of == sentences


def test_the_word_caches_are_bounded_and_forget_all_when_full():
    from routing.memo import Memo

    calls = []
    memo = Memo(lambda word: calls.append(word) or word.upper(), size=3)
    assert [memo[word] for word in ("a", "b", "a", "c")] == ["A", "B", "A", "C"]
    assert calls == ["a", "b", "c"]  # "a" the second time came from the cache
    assert memo("d") == "D" and len(memo) == 1  # full: emptied, then "d" kept
    memo.cache_clear()
    assert len(memo) == 0 and memo("a") == "A" and calls[-1] == "a"
