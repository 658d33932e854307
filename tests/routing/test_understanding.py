"""Routing that understands who did what, table-tested on the city's default rules, duties and
learned model, without a database (the files ``routing_rules()`` would load after
``load_directory``).

One table per kind of hard complaint: the actor decides; negations and redirections; the point
of a long story; services no admin rule names (every office reachable); Bengkulu Malay and chat
spelling. And the explanation: it names the actor and the decisive words, and what was only
mentioned.
"""

from dataclasses import replace

import pytest

from routing import clauses, engine, learning
from routing.duties import LOCAL, duties
from routing.text import analyze, words_of
from tests.bench.bench_routing import rules_from_files

pytestmark = pytest.mark.embedded_only

RULES = rules_from_files(threshold=0.4)
RULES_ALONE = RULES.with_model(None)


def decide(text: str, category: str = "pungli", rules=RULES, kelurahan=None) -> engine.Decision:
    analysis = analyze(text)
    return engine.route(
        engine.Facts(
            category=category,
            description=text,
            kelurahan=kelurahan,
            words=analysis.words,
            stems=analysis.stems,
            weights=analysis.weights,
            roles=analysis.roles,
        ),
        rules,
    )


# --- Who did it decides --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a parking attendant in front of another office's building: parking
        ("antri di kantor dukcapil, jukir di halamannya narik 5rb tanpa karcis", "DISHUB"),
        # a firefighter forcing a sale in the market names its own office
        (
            "pemadam yang datang memeriksa toko di pasar memaksa kami beli tabung pemadam, "
            "katanya kalau tidak dilaporkan ke dinas perdagangan",
            "DAMKAR",
        ),
        # uniformed officers of one agency, demanding money "about" another's business
        (
            "lapak sy terdaftar di dinas pariwisata tapi oknum satpol pp minta 30rb tiap malam",
            "SATPOLPP",
        ),
        (
            "pedagang pasar didatangi petugas berompi dishub, mereka narik uang keamanan 5rb",
            "DISHUB",
        ),
        # a clerk of one office offering to "help" with another office's document for a fee
        (
            "pegawai disnaker yg urus kartu kuning nawarin bantu urus akta lahir di capil 200rb",
            "DISNAKER",
        ),
        # the office of the employee, not the employee's kind ("pegawai" is no BKPSDM matter)
        ("pegawai perpustakaan daerah minta 50rb buat kartu anggota", "DISARPUS"),
        # once the office is named, what follows "yang" is what the person did
        (
            "pegawai kelurahan sukarami yang ngantar sppt pbb ke rumah rumah minta 10rb per lembar",
            "KEC-SELEBAR",
        ),
        # the reporter's own people ("panitia ... kami") are no office's
        (
            "Panitia pasar malam kami meminta rekomendasi pengamanan kebakaran dari Dinas "
            "Pemadam Kebakaran. Petugasnya bilang rekomendasi terbit kalau kami bayar 750rb",
            "DAMKAR",
        ),
        # ... also after another actor noun: "oknum pegawai" is one person
        (
            "oknum pegawai dinas kesehatan minta 1 juta ke pemilik klinik kami supaya "
            "rekomendasi izinnya cepat",
            "DINKES",
        ),
        # the person who is said not to have asked is not the actor
        (
            "penyuluh kb minta 50rb per orang utk pasang implan, orang puskesmas tidak minta apa2",
            "DP3AP2KB",
        ),
        # a kelurahan clerk charging for another office's paper: the kelurahan's clerk
        (
            "akta sdh dikirim dukcapil lewat email, tp petugas kelurahan bumi ayu menyebut "
            "mencetak akta itu jasa dan menarik 30rb per lembar",
            "KEC-SELEBAR",
        ),
        # the kelurahan said without its name, the place given elsewhere in the story
        (
            "kami tinggal di Bumi Ayu. petugas kelurahan minta 50rb per anak utk urus akta ke "
            "dukcapil, katanya biar cepat",
            "KEC-SELEBAR",
        ),
    ],
)
def test_the_office_of_the_actor_answers(text, expected):
    decision = decide(text)
    assert decision.opd == expected, decision.reason
    assert "INSPEKTORAT" in decision.oversight


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the officer described by what he inspects: a fire extinguisher names the fire
        # service, the inspecting is everyone's
        (
            "petugas yang memeriksa alat pemadam di ruko kami minta uang 500rb supaya "
            "rekomendasinya keluar",
            "DAMKAR",
        ),
        # ... and with nothing inspected named, the inspecting names no office (not DINKES)
        (
            "utk dokumen lingkungan bengkel sy, petugas yg memeriksa minta 2jt biar cepat keluar",
            "DLH",
        ),
        # the office the actor sits in, said before the noun
        (
            "di kantor camat selebar ada staf yang bilang bisa bikinin nib di oss asal bayar 250rb",
            "KEC-SELEBAR",
        ),
        # no person named: the office where the money was asked for, not the one whose
        # document it was
        (
            "urus sertifikat laik higiene di dinas kesehatan, di kantor dinas pariwisata sy "
            "dimintai 300rb",
            "DISPAR",
        ),
        # ... but a market or a roadside is where it happened, not whose office
        ("parkir di pasar minggu ditarik 5rb sama jukir tanpa karcis", "DISHUB"),
        # what the demanded money is called ("fee", "komitmen") is the deed too
        (
            "proyek drainase di gang kami, tapi staf dinas perkim bilang bisa dikerjakan duluan "
            "asal ada fee 10%",
            "DISPERKIMTAN",
        ),
    ],
)
def test_the_actor_office_is_found_where_the_actor_sits_or_the_demand_was_made(text, expected):
    decision = decide(text)
    assert decision.opd == expected, decision.reason
    assert "INSPEKTORAT" in decision.oversight


def test_the_actor_noun_itself_is_no_office_topic():
    # "pegawai" is said of every office's people: not a BKPSDM matter when it names the actor
    decision = decide("pegawai bagian aset minta 2 juta")
    assert decision.opd != "BKPSDM", decision.reason


@pytest.mark.parametrize(
    "text",
    [
        "Jam buka tertulis jam 8 tapi pegawainya baru datang jam 9, warga sudah antre dari pagi.",
        "pelayanan lambat, pegawai banyak main hp",
        "kami cuma mau kasih saran, pegawai mesti ramah sama warga",
    ],
)
def test_staff_of_no_named_office_are_no_personnel_agency_matter(text):
    # ... nor when they are only complained of: which office's staff is the coordinator's to ask
    for rules in (RULES, RULES_ALONE):
        decision = decide(text, "delay", rules=rules)
        assert decision.opd is None, decision.reason


def test_an_office_named_before_a_turn_is_not_the_actor_seat():
    analysis = analyze("lapak sy terdaftar di dinas pariwisata tapi oknum satpol pp minta 30rb")
    roles = dict(zip(analysis.words, analysis.roles, strict=True))
    assert roles["pariwisata"] == ""
    assert roles["satpol"] == "oknum"


def test_the_explanation_names_the_actor_and_what_was_only_mentioned():
    decision = decide("antri di kantor dukcapil, jukir di halamannya narik 5rb tanpa karcis")
    assert decision.opd == "DISHUB"
    decision = decide("lapak sy terdaftar di dinas pariwisata tapi oknum satpol pp minta 30rb")
    assert decision.reason.startswith("Oknum Satuan Polisi Pamong Praja meminta uang (kata ")
    assert "→ Satuan Polisi Pamong Praja" in decision.reason
    assert "disebut, tetapi bukan pelakunya" in decision.reason
    assert "'pariwisata'" in decision.reason or "'dinas pariwisata'" in decision.reason
    assert decision.rule == engine.RULE_TEXT
    assert len(decision.reason) <= 500


def test_an_office_named_in_a_phrase_after_the_actor_is_the_actor_s():
    # "dinas" is glue in the actor's span; the phrase "dinas sosial" is still whose person it
    # was, and the second noun of the same person ("pegawai") is no office's mention
    decision = decide("oknum pegawai dinas sosial minta uang 50rb", rules=RULES_ALONE)
    assert decision.opd == "DINSOS"
    assert decision.reason.startswith("Oknum Dinas Sosial meminta uang"), decision.reason
    assert "'pegawai'" not in decision.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # who did it right after a passive deed, with no "oleh"
        ("gaji honor saya dipotong bendahara dinas sosial tiap bulan", "DINSOS"),
        ("waktu antre saya dibentak satpam dukcapil di depan banyak orang", "DUKCAPIL"),
    ],
)
def test_the_agent_right_after_a_passive_deed_is_the_actor(text, expected):
    decision = decide(text, rules=RULES_ALONE)
    assert decision.opd == expected, decision.reason
    assert any(role for role in analyze(text).roles), "no actor found"


@pytest.mark.parametrize(
    ("text", "actor", "expected"),
    [
        (
            "guru kelas anak sy di sd negeri nawarin bikinin kia lewat sekolah tapi minta 100rb "
            "per anak, padahal di dukcapil gratis",
            "Guru",
            "DIKBUD",
        ),
        ("pengelola rusunawa minta uang kunci 3jt di luar sewa resmi", "Pengelola", "DISPERKIMTAN"),
    ],
)
def test_a_trade_whose_office_follows_is_an_actor(text, actor, expected):
    decision = decide(text)
    assert decision.opd == expected
    assert decision.reason.startswith(f"{actor} {RULES.opds[expected]} meminta uang")


def test_an_actor_without_a_deed_does_not_decide():
    # "petugas pasar" received a legal payment; the one who asked for money is the dishub man
    decision = decide(
        "petugas berompi dishub narik 10rb uang keamanan. retribusi sudah bayar ke petugas pasar"
    )
    assert decision.opd == "DISHUB"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a uniform no office is named with: the coordinator, not the school uniforms' office
        ("sy dipalak oknum pake seragam, gk tau dr instansi mana. minta 50rb", None),
        ("orang pakai seragam dishub minta 20rb ke sopir truk", "DISHUB"),
    ],
)
def test_a_uniform_worn_is_the_actor_s_not_the_school_s(text, expected):
    decision = decide(text, rules=RULES_ALONE)
    assert decision.opd == expected, decision.reason
    assert "seragam" not in decision.matched


# --- Negation and redirection --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        (
            "bukan soal parkir di depan sekolah, tapi sampah di gang kami tidak diangkut",
            "delay",
            "DLH",
        ),
        (
            "KTP sudah beres. Yang saya keluhkan jalan depan rumah berlubang 3 bulan",
            "delay",
            "PUPR",
        ),
        (
            "sy udh ke disnaker, katanya bukan urusan mereka karena sy PNS. kenaikan pangkat sy "
            "tidak diproses 8 bulan",
            "delay",
            "BKPSDM",
        ),
        (
            "pajak bumi dan bangunan sudah saya bayar, bukan itu. sewa tanah aset pemkot yg "
            "kami pakai dinaikkan petugas tanpa dasar",
            "pungli",
            "BPKAD",
        ),
        # what a paper is wanted for names where it will be used, not whose paper it is
        (
            "Anak saya perlu KIA untuk daftar sekolah, permohonan online sudah dua minggu "
            "belum selesai",
            "delay",
            "DUKCAPIL",
        ),
        ("kk baru kami untuk syarat masuk sd belum jadi juga, udh sebulan", "delay", "DUKCAPIL"),
        # ... and without a paper before it, the purpose is the service paid for
        (
            "di sekolah anak sy diminta bayar 200rb untuk daftar ulang, tanpa kwitansi",
            "pungli",
            "DIKBUD",
        ),
    ],
)
def test_what_is_negated_done_or_only_a_paper_s_use_does_not_decide(text, category, expected):
    decision = decide(text, category)
    assert decision.opd == expected, decision.reason


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        (
            "sudah lapor ke dinas sosial soal anak jalanan di simpang tapi tidak ada tanggapan",
            "delay",
            "DINSOS",
        ),
        # ... the silence said in the next sentence, and the case reported about another office
        (
            "bulan maret sy udh lapor ke inspektorat soal kepsek yg narik uang perpisahan wajib "
            "ke semua murid. sampe skrg udh 3 bln gk ada kabar sama sekali",
            "pungli",
            "INSPEKTORAT",
        ),
    ],
)
def test_an_office_a_report_was_made_to_that_did_nothing_answers(text, category, expected):
    decision = decide(text, category, rules=RULES_ALONE)
    assert decision.opd == expected, decision.reason
    assert decision.reason.startswith("Laporan ke "), decision.reason
    assert "tidak ditindaklanjuti" in decision.reason


def test_a_place_tried_with_no_word_of_silence_stays_only_tried():
    # "sudah lapor ke polsek" and nothing said of what came of it: still the place tried
    analysis = analyze("petugas kelurahan minta uang 50rb. sudah lapor ke dinas sosial juga")
    roles = dict(zip(analysis.words, analysis.roles, strict=True))
    assert roles["sosial"] == ""


def test_a_negated_office_is_said_to_be_only_mentioned():
    decision = decide("bukan soal parkir, tapi sampah di gang kami tidak diangkut", "delay")
    assert decision.opd == "DLH"
    assert "'parkir' disebut, tetapi bukan yang dikeluhkan" in decision.reason


def test_the_use_of_a_paper_is_weighed_down_only_after_a_paper():
    analysis = analyze("kia untuk daftar sekolah")
    weights = dict(zip(analysis.words, analysis.weights, strict=True))
    assert weights["kia"] == 1.0
    assert weights["sekolah"] == clauses.PURPOSE_WEIGHT
    assert set(analyze("bayar 200rb untuk daftar sekolah").weights) == {1.0}


@pytest.mark.parametrize(
    ("text", "expected", "not_said"),
    [
        # "usaha" is the cooperatives office's word, but here it is part of the kelurahan's paper
        (
            "ngurus surat keterangan usaha di kelurahan sawah lebar, udh 5 hari blm jadi",
            "KEC-RATU-AGUNG",
            "usaha",
        ),
        # "bangunan gedung" is public works', but here it is part of the permit's name
        (
            "Persetujuan bangunan gedung untuk rumah kami alah limo bulan belum keluar",
            "DPMPTSP",
            "bangunan gedung",
        ),
        # the longest phrase said at a place is the one meant: a private hospital is no
        # "rumah sakit" of the city
        (
            "rumah sakit swasta di dekat rumah menolak pasien bpjs katanya kamar penuh",
            None,
            "rumah sakit",
        ),
    ],
)
def test_a_word_inside_a_phrase_of_one_office_names_no_other(text, expected, not_said):
    decision = decide(text, "delay", rules=RULES_ALONE)
    assert decision.opd == expected
    assert f"'{not_said}'" not in decision.reason and not_said not in decision.matched


def test_the_words_of_one_office_inside_its_phrase_still_add_up():
    decision = decide("izin trayek angkot sy udh 2 minggu blm keluar", "delay", rules=RULES_ALONE)
    assert decision.opd == "DPMPTSP"
    assert {"izin trayek", "trayek"} <= set(decision.matched)


# --- The point of a long story -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        (
            "Anak saya baru lahir bulan lalu, akta kelahirannya alhamdulillah sudah keluar. "
            "Suami saya kerja di luar kota. Kami sudah lapor ke RT dan ke kelurahan. "
            "Tapi yang saya keluhkan imunisasi di puskesmas selalu ditunda, vaksinnya kosong.",
            "delay",
            "DINKES",
        ),
        (
            "Tahun lalu kami urus KK di dukcapil, lancar. Bulan ini kami pindah ke rumah baru. "
            "Listrik sudah pasang. Masalahnya truk sampah tidak pernah lewat, sampah menumpuk.",
            "delay",
            "DLH",
        ),
    ],
)
def test_the_request_at_the_end_outweighs_the_story(text, category, expected):
    decision = decide(text, category)
    assert decision.opd == expected, decision.reason


# --- Services no admin rule names: every office is reachable -------------------------------------


def every_office():
    return sorted(code for code in duties() if code != LOCAL)


@pytest.mark.parametrize("code", every_office())
def test_every_office_is_reachable_by_its_duties_alone(code):
    phrase = " dan ".join(duties()[code][:2])
    decision = decide(f"{phrase} lambat sekali, sudah 2 bulan tidak ada kabar", "delay")
    assert decision.opd == code, f"{phrase!r}: {decision.reason}"


def test_the_duties_cover_every_office_of_the_directory():
    kecamatan = {code for code in RULES.opds if code.startswith("KEC-")}
    assert set(every_office()) | kecamatan == set(RULES.opds)
    assert len(RULES.opds) == 40


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "buku register tanah lama dari kantor kelurahan katanya sudah diserahkan ke kantor "
            "arsip, permohonan salinan sy 6 minggu belum dijawab",
            "DISARPUS",
        ),
        (
            "usulan jalan lingkungan sudah dibahas di musyawarah kelurahan dan kecamatan, tapi "
            "badan perencanaan kota tidak mau menunjukkan daftar usulan",
            "BAPPEDA",
        ),
    ],
)
def test_an_unnamed_kelurahan_visited_on_the_way_leaves_the_named_office(text, expected):
    # The rules alone: the kelurahan without a name is where the citizen went first.
    decision = decide(text, "delay", rules=RULES_ALONE)
    assert decision.opd == expected, decision.reason


def test_a_kecamatan_office_is_reached_through_the_place():
    decision = decide(
        "surat keterangan ahli waris di kelurahan sawah lebar tidak diproses", "delay"
    )
    assert decision.opd == "KEC-RATU-AGUNG", decision.reason
    # ... also with "daerah" between the cue and the name
    decision = decide("pelayanan di kantor camat daerah selebar tutup di jam kerja", "delay")
    assert decision.opd == "KEC-SELEBAR", decision.reason


def test_a_place_name_is_read_as_the_complaint_s_words_are():
    # "Koto" (a name in many regions) is read "kota" in a complaint, like Bengkulu's "tigo".
    sawah_lebar = next(area for area in RULES.areas.values() if area.name == "Sawah Lebar")
    koto_baru = engine.Area(code="99.99.99.9999", name="Koto Baru", kecamatan=sawah_lebar.kecamatan)
    rules = replace(RULES, areas={**RULES.areas, koto_baru.code: koto_baru})
    text = "surat keterangan ahli waris di kelurahan koto baru tidak diproses"
    decision = decide(text, "delay", rules=rules)
    assert decision.opd == "KEC-RATU-AGUNG", decision.reason
    # read as typed, the name would not be found: the rules miss the place
    unread = decide(text, "delay", rules=replace(rules, read_name=None, model=None))
    assert "tempatnya tidak disebut" in unread.reason
    assert "tempatnya" not in decide(text, "delay", rules=rules.with_model(None)).reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sudah setahun usulan pengaspalan di musrenbang tidak pernah masuk anggaran", "BAPPEDA"),
        ("permohonan informasi publik ke ppid tidak dijawab 30 hari kerja", "DISKOMINFO"),
        ("izin penelitian untuk skripsi sudah 3 minggu belum keluar rekomendasinya", "KESBANGPOL"),
        ("salinan arsip lama tahun 1985 tidak kunjung diberikan", "DISARPUS"),
        # the council's building is the council secretariat's, however it is called
        ("toilet di gedung dewan tidak ada air, warga yang datang bingung", "SETWAN"),
        ("rombongan pelajar ke parlemen kota disuruh bayar uang konsumsi", "SETWAN"),
    ],
)
def test_unnamed_services_are_routed_by_duties(text, expected):
    decision = decide(text, "delay")
    assert decision.opd == expected, decision.reason


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        ("orang berompi yang jaga motor di depan toko minta lima ribu", "pungli", "DISHUB"),
        ("lahan pemkot di ujung gang dipagari orang, belum ada tindakan", "delay", "BPKAD"),
        ("hibah masjid tertahan di bagian keuangan daerah tiga bulan", "delay", "BPKAD"),
        ("berkas pindah masuk sudah lengkap tapi disuruh datang lagi terus", "delay", "DUKCAPIL"),
        # an office's official tasks, named as citizens meet them
        ("perpustakaan keliling sudah tiga bulan tidak datang", "delay", "DISARPUS"),
        ("rambu jalur evakuasi di pesisir menunjuk ke arah laut", "delay", "BPBD"),
        ("kampung kb di rw kami cuma papan nama, kegiatannya tidak ada", "delay", "DP3AP2KB"),
        ("nenek kami dijanjikan masuk panti werdha, belum dijemput", "delay", "DINSOS"),
        ("pembayaran untuk sanggar kami tertahan di kas daerah tiga bulan", "delay", "BPKAD"),
        ("sarang tawon di atap kelas sudah dilaporkan tiga hari belum diambil", "delay", "DAMKAR"),
        # the kelurahan's letter of a death, not the civil registry's certificate
        (
            "di kampung kelawi surat kematian bapak kami la duo minggu dak siap",
            "delay",
            "KEC-SUNGAI-SERUT",
        ),
        ("penjaga gerbang pantai jakat minta uang rombongan selain karcis", "pungli", "DISPAR"),
        ("oknum penegak perda minta uang ke pemilik warung soal pajak", "pungli", "SATPOLPP"),
        ("taman ramah anak dan ruang laktasi di kelurahan kami rusak", "delay", "DP3AP2KB"),
        (
            "pemandian air panas milik kota tutup tapi penjaga tetap menarik uang",
            "pungli",
            "DISPAR",
        ),
        ("kurasi produk umkm untuk galeri kota dipungut biaya foto katalog", "pungli", "DISKOPUKM"),
        # street lights are road equipment, the transport office's (UU 23/2014, Perhubungan)
        ("lampu jalan di gang kami mati sudah sebulan, malam gelap sekali", "delay", "DISHUB"),
        ("pju di depan sd mati dua minggu", "delay", "DISHUB"),
        # ... but a madrasah only left or wanted is no school of the complaint
        (
            "anak saya lulusan MTs mau daftar ke SMP negeri 5, panitia SPMB minta uang 2 juta",
            "pungli",
            "DIKBUD",
        ),
        # the city's property let to citizens is the asset office's
        (
            "kami nyewa ruko milik pemkot, perpanjangan sudah dibayar tapi perjanjian baru belum "
            "keluar tiga bulan",
            "delay",
            "BPKAD",
        ),
        # protection of women, national unity and civic organisations
        (
            "suami sering memukul saya, saya butuh pendampingan perlindungan perempuan, sudah "
            "minta tolong belum ada yang datang",
            "delay",
            "DP3AP2KB",
        ),
        (
            "panitia kegiatan wawasan kebangsaan untuk pelajar minta uang seragam 150 ribu",
            "pungli",
            "KESBANGPOL",
        ),
        (
            "surat keterangan terdaftar organisasi kemasyarakatan kami belum terbit dua bulan",
            "delay",
            "KESBANGPOL",
        ),
        (
            "sudah lapor ke kantor kesatuan bangsa soal kelompok anti pancasila, sebulan tidak ada "
            "tindak lanjut",
            "delay",
            "KESBANGPOL",
        ),
        # household waste is the environment office's, whoever drives its truck
        (
            "sopir truk pengangkut buangan rumah tangga minta uang rokok 20 ribu per rumah",
            "pungli",
            "DLH",
        ),
        # an officer who came to the house is no housing office's: where the officer went
        (
            "bayar PBB lewat petugas yg dtg ke rumah, sy bayar 250rb tp di sistem cuma tercatat "
            "180rb",
            "pungli",
            "BAPENDA",
        ),
        # the mayor's office written as one word
        (
            "mau ngantar surat ke kantor walikota, satpam di gerbang tidak kasih masuk",
            "delay",
            "SETDA",
        ),
        # a civil servant's spouse card is a personnel document
        ("karis ibu saya belum jadi sudah 6 bulan", "delay", "BKPSDM"),
        (
            "kartu suami ibu saya yang guru salah tulis nama, sudah dua kali dikembalikan",
            "delay",
            "BKPSDM",
        ),
    ],
)
def test_the_rules_know_what_citizens_call_an_office_s_service(text, category, expected):
    decision = decide(text, category, rules=RULES_ALONE)
    assert decision.opd == expected, decision.reason


@pytest.mark.parametrize(
    "text",
    ["wajib beli seragam 500rb di koperasi sekolah", "koperasi sekolah jual seragam 450rb, wajib"],
)
def test_the_school_s_own_cooperative_is_the_school_s(text):
    # with the model too: alone, "koperasi" pulls towards the cooperatives office
    decision = decide(text)
    assert decision.opd == "DIKBUD", decision.reason
    assert decision.matched[0] == "koperasi sekolah"


# --- Bengkulu Malay and chat spelling ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        ("pak satpol tu datang ke lapak kami mintak 50rb kato nyo uang aman", "pungli", "SATPOLPP"),
        ("jukir di pasar minggu tu mintak duo ribu dak ado karcis nyo", "pungli", "DISHUB"),
        ("sy dsuruh byr 100rb utk ktp udh 2 bln blm jdi2 bgt lamo nian", "pungli", "DUKCAPIL"),
        ("apo gunonyo lapor kalu sampah di gang kami dak diangkut tigo minggu", "delay", "DLH"),
        # "la"/"lah" for "sudah": what is already done does not decide
        (
            "akta anak la jadi, yang belum tu jalan depan rumah berlubang lah limo bulan",
            "delay",
            "PUPR",
        ),
        # "te-" for "ter-"
        (
            "rumah tetangga tebakar, kami telpon dari jam 2 tapi baru datang jam 3",
            "delay",
            "DAMKAR",
        ),
    ],
)
def test_dialect_and_chat_spelling_route_like_standard_indonesian(text, category, expected):
    decision = decide(text, category)
    assert decision.opd == expected, decision.reason


@pytest.mark.parametrize(
    ("text", "category", "expected", "said"),
    [
        # "diminto" is "diminta": the parking attendant is the one who asked
        (
            "jukir di depan kantor bapenda minto duo ribu dak ado karcisnyo",
            "pungli",
            "DISHUB",
            "Jukir Dinas Perhubungan meminta uang",
        ),
        # "keluargo", "betanyo", "kato": the rules read it as they read Indonesian
        (
            "keluargo kami la tigo bulan nunggu akta kematian di capil, la betanyo ke kelurahan "
            "kato nyo tunggu bae",
            "delay",
            "DUKCAPIL",
            "'akta kematian'",
        ),
    ],
)
def test_dialect_verbs_decide_as_their_indonesian_do(text, category, expected, said):
    decision = decide(text, category)
    indonesian = decide(" ".join(words_of(text)), category)
    assert (decision.opd, decision.rule) == (expected, engine.RULE_TEXT), decision.reason
    assert said in decision.reason
    assert decision.reason == indonesian.reason


# --- What no office of the city can take ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # a university (the ministry's), a national phone company
        (
            "ukt anak sy di unib salah golongan, banding sudah diajukan dari awal semester belum "
            "dijawab",
            "delay",
        ),
        # ... in chat spelling: "smp skrg" is "sampai sekarang", no junior high school
        (
            "ukt anak sy di unib slh golongan, udh ngajuin banding dr awal semester smp skrg blm "
            "ada jwbn",
            "delay",
        ),
        ("sinyal telkomsel hilang terus, tiap lapor disuruh bayar 100rb buat teknisi", "pungli"),
        # a private hospital, a provincial special-needs school
        ("rumah sakit swasta menahan bayi kami karena tagihan belum lunas", "delay"),
        ("di slb negeri wali murid diminta sumbangan 100 ribu tiap pembagian rapor", "pungli"),
        # the religious court's divorce deed, the state ferry
        (
            "urus cerai di pengadilan agama, pegawai menawarkan akta cerai jadi asal bayar 1 juta",
            "pungli",
        ),
        ("kapal penyeberangan ke pulau enggano dua minggu tidak berangkat", "delay"),
        # the provincial hospital: "rsud" inside its name is not the city's hospital
        (
            "mengambil jenazah di kamar jenazah RSUD M. Yunus, kami diminta 500 ribu oleh "
            "petugas untuk memandikan dan ambulans",
            "pungli",
        ),
        # ... whose patients, wards and nurses are a hospital's words, as the city's are
        (
            "Ayah saya dirawat di RSUD M. Yunus, perawat minta uang 300 ribu supaya dapat kamar "
            "kelas 1 padahal kami pasien BPJS.",
            "pungli",
        ),
        (
            "Antrean operasi di rumah sakit M Yunus sudah 3 bulan, pasien BPJS disuruh tunggu "
            "terus, dokter jarang ada.",
            "delay",
        ),
        ("rumah sakit swasta dekat rumah nolak pasien bpjs katanya kamar penuh", "delay"),
        # the religious ministry's madrasah, the province's special school: named, they decide
        # over the school words around them
        (
            "di SLB negeri anak kami, guru minta uang 200 ribu tiap bagi rapor untuk kegiatan "
            "sekolah",
            "pungli",
        ),
        (
            "mtsn tempat anak sy sekolah belum bagi ijazah sudah 3 bulan padahal siswa lain sudah",
            "delay",
        ),
    ],
)
def test_what_no_office_of_the_city_can_take_goes_to_the_coordinator(text, category):
    decision = decide(text, category)
    assert decision.opd is None, decision.reason
    assert decision.status == engine.TRIAGE
    # ... and the rules say why, with the model too: whose it is not
    assert "kemungkinan bukan kewenangan Pemerintah Kota" in decision.reason


# --- Rules and model together --------------------------------------------------------------------


def test_sure_rules_decide_without_the_model():
    decision = decide("jukir minta 10rb tanpa karcis")
    assert decision.rule == engine.RULE_TEXT
    assert decision == decide("jukir minta 10rb tanpa karcis", rules=RULES_ALONE)


def test_the_kelurahan_office_found_with_its_place_is_not_the_model_s_to_overrule():
    # The letter's purpose (a job) is the labour office's word; the letter is the kelurahan's.
    text = (
        "surat pengantar skck di kantor kelurahan sumber jaya harus nunggu 3 hari krn pak lurah "
        "dinas luar, lowongan kerja sy keburu tutup"
    )
    alone = decide(text, "delay", rules=RULES_ALONE)
    assert alone.opd == "KEC-KAMPUNG-MELAYU"
    assert alone.confidence < RULES.model.sure  # unsure enough that the model would be asked
    assert decide(text, "delay") == alone


def test_the_model_decides_where_the_rules_are_unsure_and_names_its_words():
    text = "uang jaminan lelang mobil bekas pemkot belum dikembalikan"
    alone = decide(text, "delay", rules=RULES_ALONE)
    decision = decide(text, "delay")
    assert alone.opd is None  # the rules alone: "lelang" is not enough for an office
    assert decision.opd == "BPKAD", decision.reason
    assert decision.rule == engine.RULE_MODEL
    assert decision.matched and all(isinstance(word, str) for word in decision.matched)
    assert "'" in decision.reason and "→ Badan Pengelolaan Keuangan dan Aset Daerah" in (
        decision.reason
    )


def test_bare_money_words_are_left_to_the_coordinator():
    decision = decide("dimintai uang")
    assert decision.opd is None and decision.status == engine.TRIAGE
    assert decision.oversight == ("INSPEKTORAT",)


# --- Whose paper is awaited, who behaved so, where without "kelurahan" ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the office a paper must come from holds the case up, not the office that waits for it
        (
            "izin usaha kami di perizinan terpadu tertahan, rekomendasi dari dinas lingkungan "
            "hidup belum keluar sudah dua bulan",
            "DLH",
        ),
        (
            "surat keterangan kematian ayah di kelurahan sidomulyo sudah dua minggu belum keluar, "
            "padahal itu syarat akta kematian di dukcapil",
            "KEC-GADING-CEMPAKA",
        ),
    ],
)
def test_the_office_a_paper_is_awaited_from_answers(text, expected):
    decision = decide(text, "delay", rules=RULES_ALONE)
    assert decision.opd == expected, decision.reason


def test_where_someone_lives_is_nothing_pending():
    # "tinggal" after a person is where they live, not "tinggal menunggu": the place "dari
    # pantai" is no office that holds anything up
    text = "sirene tsunami belum diperbaiki bpbd. kami tinggal beberapa ratus meter dari pantai"
    analysis = analyze(text)
    roles = dict(zip(analysis.words, analysis.roles, strict=True))
    assert roles["pantai"] == ""
    assert decide(text, "delay", rules=RULES_ALONE).opd == "BPBD"
    waiting = analyze("izin tertahan, tinggal menunggu rekomendasi dari dinas kesehatan")
    assert dict(zip(waiting.words, waiting.roles, strict=True))["kesehatan"]


def test_an_awaited_paper_marks_its_office_as_the_actor_only_when_something_is_pending():
    pending = analyze("rekomendasi dari dinas kesehatan belum keluar")
    roles = dict(zip(pending.words, pending.roles, strict=True))
    assert roles["kesehatan"] == "petugas"
    done = analyze("rekomendasi dari dinas kesehatan sudah kami terima")
    assert set(done.roles) == {""}


@pytest.mark.parametrize(
    ("text", "category", "expected"),
    [
        # "orang kelurahan X" asking for money, for another office's document
        (
            "orang kelurahan lempuing datang ke rumah, bilang bisa bantu urus kk ke dukcapil "
            "asal kasih 250rb",
            "pungli",
            "KEC-RATU-AGUNG",
        ),
        # conduct complained of in itself: whose person behaved so
        (
            "pegawai kecamatan selebar membentak warga yang antre, bukan soal pegawainya malas",
            "other",
            "KEC-SELEBAR",
        ),
        # a bare "staf" in the kelurahan the sentence put the reporter in, though the paper is
        # the registry office's
        (
            "ngurus pindah datang di kelurahan nusa indah, staf minta 150rb biar langsung jadi kk "
            "baru. pdhl dukcapil bilang gratis",
            "pungli",
            "KEC-RATU-AGUNG",
        ),
        (
            "di kantor lurah kandang, petugasnya minta 100rb untuk urus akta kelahiran ke dukcapil",
            "pungli",
            "KEC-KAMPUNG-MELAYU",
        ),
    ],
)
def test_a_person_of_the_kelurahan_or_kecamatan_makes_it_the_local_office(text, category, expected):
    decision = decide(text, category, rules=RULES_ALONE)
    assert decision.opd == expected, decision.reason


def test_a_bare_actor_after_a_turn_is_not_the_kelurahan_s():
    analysis = analyze(
        "ada bantuan dari dinas pertanian untuk kelompok kami di kelurahan dusun besar, tapi "
        "oknum petugas minta setor 300rb"
    )
    assert set(analysis.roles) == {""}


def test_a_counted_person_is_nobody_s_actor():
    # "per orang", "dua orang": a count, not "the people of" what follows
    analysis = analyze("tiket masuk 5rb per orang ada karcisnya, tapi petugas lain narik 10rb")
    roles = dict(zip(analysis.words, analysis.roles, strict=True))
    assert roles["ada"] == "" and roles["karcis"] == ""
    analysis = analyze("orang dinas sosial minta 100rb")
    roles = dict(zip(analysis.words, analysis.roles, strict=True))
    assert roles["sosial"] == "orang"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sktm untuk berobat ibu di pekan sabtu sudah seminggu belum dibuat stafnya",
            "KEC-SELEBAR",
        ),
        ("sy minta sktm dikelurahan kampung bali, udh seminggu gk jadi", "KEC-TELUK-SEGARA"),
        # ... and, placed, the letter is the kelurahan's however loud its purpose: trade, a
        # hospital bill
        (
            "Kebun Kenanga: surat keterangan usaha untuk pedagang sayur dipungut 50 ribu",
            "KEC-RATU-AGUNG",
        ),
        (
            "Tanah Patah: SKTM untuk bebas biaya rumah sakit belum ditandatangani padahal pasien "
            "sudah masuk",
            "KEC-RATU-AGUNG",
        ),
    ],
)
def test_a_kelurahan_named_without_the_word_kelurahan_places_the_local_office(text, expected):
    decision = decide(text, "delay", rules=RULES_ALONE)
    assert decision.opd == expected, decision.reason


@pytest.mark.parametrize(
    ("text", "expected", "said"),
    [
        (
            "Petugas Kelurahan Tanah Patah memarahi saya karena datang pukul 14.00, katanya "
            "pelayanan hanya sampai jam 12",
            "KEC-RATU-AGUNG",
            "kelurahan tanah patah",
        ),
        (
            "kecamatan ratu agung pasang pengumuman layanan online tp nomor wa nya gk pernah bales",
            "KEC-RATU-AGUNG",
            "kecamatan ratu agung",
        ),
    ],
)
def test_a_place_named_with_its_cue_and_nothing_else_is_the_local_office(text, expected, said):
    decision = decide(text, "delay", rules=RULES_ALONE)
    assert decision.opd == expected, decision.reason
    assert f"'{said}'" in decision.reason


def test_a_place_named_next_to_an_office_s_words_is_only_where_it_happened():
    text = "kami warga kelurahan tanah patah, jalan berlubang sudah sebulan tidak diperbaiki"
    decision = decide(text, "delay", rules=RULES_ALONE)
    assert decision.opd == "PUPR" and "tanah patah" not in decision.reason, decision.reason


def test_a_place_s_name_is_no_topic_even_where_a_person_of_it_is_complained_of():
    # "Pasar Bengkulu" is a kelurahan: the market in its name is not the trade office's, also
    # where the awaited letter makes its office the one complained of
    text = (
        "surat keterangan domisili untuk mendaftar BPJS mandiri di Kelurahan Pasar Bengkulu "
        "udah sy tunggu enam hari"
    )
    for rules in (RULES, RULES_ALONE):
        decision = decide(text, "delay", rules=rules)
        assert decision.opd == "KEC-SUNGAI-SERUT", decision.reason
        assert "'pasar'" not in decision.reason


def test_a_local_service_without_any_place_still_goes_to_the_coordinator():
    decision = decide("minta sktm untuk berobat sudah seminggu belum dibuat", "delay")
    assert decision.opd is None and decision.status == engine.TRIAGE, decision.reason


# --- The head of an office named as who did it ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "walled"),
    [
        ("Kepala dinas perdagangan sendiri yang minta setoran dari tiap pedagang", "DISPERINDAG"),
        ("kadinsos nya sendiri yg motong bansos, bukan pendamping", "DINSOS"),
        ("camat selebar sendiri yg minta 2jt biar rekomendasi usaha sy diteken", "KEC-SELEBAR"),
        ("direktur rumah sakit kota menahan jasa pelayanan perawat kontrak 3 bulan", "RSUD-HD"),
        # the head named after the deed
        ("yang minta uang 5 juta itu kepala dinas pendidikan, bukan stafnya", "DIKBUD"),
        # misconduct by the head, not only money
        ("kepala dinas perhubungan membentak dan mengusir sopir angkot yg protes", "DISHUB"),
    ],
)
def test_a_head_named_as_the_actor_sends_the_complaint_to_the_inspektorat(text, walled):
    decision = decide(text)
    assert decision.opd == "INSPEKTORAT"
    assert decision.rule == engine.RULE_INVOLVES_HEAD
    assert decision.walled == walled  # the head's own office is kept out of it
    assert "pelakunya" in decision.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a kepala sekolah, puskesmas or lurah heads no office
        ("kepala sekolah SD minta uang bangunan 2 juta ke tiap wali murid", "DIKBUD"),
        ("pak lurah jembatan kecil sendiri yg minta 300rb utk surat tanah", "KEC-SINGARAN-PATI"),
        # the head's office, the head as a place already tried, a negated head
        ("staf di kantor camat sungai serut minta 200rb utk rekomendasi IUMK", "KEC-SUNGAI-SERUT"),
        (
            "yg minta 250rb itu bukan kepala dinasnya, tapi staf bidang nelayan dinas perikanan",
            "DISKAN",
        ),
        # a head who did nothing of the kind: on leave, or ready to receive the aid
        ("surat di kantor camat ratu samban 2 minggu blm siap, camat lg cuti", "KEC-RATU-SAMBAN"),
        (
            "traktor bantuan sdh di gudang dinas pertanian, camat sdh siap menerima, tapi "
            "penyerahannya ditunda terus oleh orang dinas pertanian",
            "DISPANTAN",
        ),
    ],
)
def test_a_head_not_named_as_the_actor_changes_nothing(text, expected):
    decision = decide(text, category="pungli" if "minta" in text else "delay")
    assert decision.opd == expected
    assert decision.rule != engine.RULE_INVOLVES_HEAD


def test_a_head_only_told_of_the_demand_is_no_actor():
    analysis = analyze("sudah lapor ke camat soal staf kelurahan yg minta uang, tidak ditanggapi")
    assert "pimpinan" not in analysis.roles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the actor named last: "yang minta ... itu <actor>", "dimintai ... oleh <actor>"
        (
            "Dukcapil tidak minta apa-apa; yang minta 30 ribu untuk pengantar rekam KTP itu "
            "honorer di kantor kelurahan Bumi Ayu",
            "KEC-SELEBAR",
        ),
        ("waktu perpanjang izin reklame sy dimintai 500rb oleh petugas satpol pp", "SATPOLPP"),
        # a cleft: "yang <did it> adalah <who>", whatever else the story names
        (
            "Surat dari dinas perikanan sudah keluar untuk bantuan kapal. Yang menahan pencairan "
            "hibahnya adalah kantor pengelola keuangan dan aset daerah, sudah tiga bulan.",
            "BPKAD",
        ),
    ],
)
def test_an_actor_named_after_the_deed_answers(text, expected):
    assert decide(text).opd == expected


def sure_model(office: str, other: str, words: tuple[str, ...]) -> learning.Model:
    """A model consulted at any confidence that has learned ``words`` mean ``office``."""
    return learning.Model.from_data(
        {
            "format": learning.FORMAT,
            "classes": [office, other],
            "bias": [0.0, 0.0],
            "weights": {word: [[0, 9.0]] for word in words},
            "blend": 0.1,
            "sure": 1.1,
            "threshold": 0.0,
            "threshold_alone": 0.0,
        }
    )


def test_the_model_does_not_overrule_the_office_of_the_actor():
    # The model has learned "dinkes" and "puskesmas" mean Dinas Kesehatan: the rules found
    # whose person asked for the money, and that decides.
    model = sure_model("DINKES", "DISHUB", ("dinkes", "puskesmas"))
    text = "di depan puskesmas dekat kantor dinkes, petugas dishub minta 10rb parkir motor"

    assert decide(text, rules=RULES.with_model(model)).opd == "DISHUB"


def test_the_model_does_not_overrule_a_body_outside_the_city():
    # The model has learned "sinyal" and "menara" mean the communications office: where the
    # rules named a body outside the city, the model's guess at a city office does not move the
    # complaint, even where the words also point to that office's work (the rules weighed them
    # and the outside body won), and the reason stays the rules' "not the city's".
    model = sure_model("DISKOMINFO", "triage", ("sinyal", "menara"))
    rules = RULES.with_model(model)
    for text in (
        "sinyal telkomsel hilang terus, tiap lapor disuruh bayar 100rb buat teknisi",
        "sinyal telkomsel dan indihome hilang sejak menara dibongkar, wifi publik juga mati",
    ):
        assert "bukan kewenangan" in decide(text, rules=RULES_ALONE).reason
        decision = decide(text, rules=rules)
        assert decision.opd is None
        assert "kemungkinan bukan kewenangan Pemerintah Kota" in decision.reason


def test_what_the_actor_said_is_not_whose_person_it_was():
    analysis = analyze("petugas kelurahan menyebut mencetak akta itu jasa dan menarik 30rb")
    roles = dict(zip(analysis.words, analysis.roles, strict=True))
    assert roles["kelurahan"] == "petugas"
    assert roles["akta"] == ""


def test_what_the_money_was_for_is_not_whose_person_asked():
    analysis = analyze("kami diminta 500 ribu oleh petugas untuk memandikan dan ambulans")
    roles = dict(zip(analysis.words, analysis.roles, strict=True))
    assert roles["ambulans"] == ""
    assert (
        decide(
            "kami diminta 500 ribu oleh petugas dinkes untuk memandikan jenazah", rules=RULES_ALONE
        ).opd
        == "DINKES"
    )
