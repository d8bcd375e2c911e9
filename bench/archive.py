"""Measure the public archive (story list, filters, search, story pages) with many long stories.

Run from the project folder: `.venv/bin/python bench/archive.py [--stories 10000]`.
It drops and recreates the PostgreSQL database `corpro_bench`, migrates it, fills it with
published public stories whose transcripts are 3,000 to 9,000 words long (what the services
would store, written in bulk), serves the app with gunicorn (2 sync workers) on 127.0.0.1 and
measures each public page with a few concurrent http.client clients against a bare view (they
keep connections alive when allowed; gunicorn's sync workers close each one, so they reconnect).
`--reuse` skips the rebuild and measures the database left by an earlier run.
"""

import argparse
import http.client
import itertools
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote_plus

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE = "corpro_bench"
SERVER_URL = "postgres://postgres@127.0.0.1:5432"
SEED = 20261123

# Everyday English words, added to the words of the demo transcripts (stories/demo_content.py)
# so that the generated transcripts have a vocabulary of a few thousand words.
COMMON_WORDS = """
able about above accept access accident account across act action active activity actually
add address admit adult advice afford afraid after afternoon again against age agency ago agree
ahead air alarm alive allow almost alone along already also although always amazing among
amount anger angry animal announce annual another answer anxious anybody anyway apart
apartment apology appear apple apply appointment approach area argue argument arm around
arrange arrive art article ask asleep assess assistant attack attend attention attitude
aunt autumn available average avoid awake award aware away awful baby back bad badly bag
balance ball band bank bar base basic basket bath battle beach bear beat beautiful became
because become bed bedroom beer before began begin behave behind believe bell belong below
belt bench benefit beside best better between beyond bicycle big bill bird birth birthday
bit bitter black blame blanket blind block blood blow blue board boat body boil bone book
boot border bored boring born borrow boss both bother bottle bottom bowl box boy brain branch
brave bread break breakfast breath breathe brick bridge brief bright brilliant bring broad
broke broken brother brown budget build building bullet burn bus business busy butter button
buy cake calendar call calm camera camp campaign cancel cancer candle capital car card care
career careful carpet carry case cash castle cat catch cause ceiling celebrate cell centre
certain chain chair challenge champion chance change channel chapter character charge charity
chat cheap check cheek cheese chemist chest chicken chief child childhood chip chocolate choice
choose church cigarette cinema circle citizen city claim class classroom clean clear clever
client climb clinic clock close cloth clothes cloud club coach coast coat code coffee coin
cold collapse colleague collect college colour column comfort comfortable comment common
company compare complain complete computer concern concert condition confidence confident
confused connect connection conscious contact contract control conversation cook cooker cool
cope copy corner correct cost cottage cough council count country county couple courage
course court cousin cover crash crazy cream create credit crime crisis criticism cross crowd
cruel cry culture cup cupboard curious current curtain customer cut cycle dad daily damage
damp dance danger dangerous dark date daughter day dead deaf deal dear death debt decade
decide decision deep defend degree delay delicious deliver demand dentist deny depend
depressed describe desert deserve design desk desperate detail develop diary die diet
difference different difficult dinner direction dirty disabled disagree disappear disaster
discover discuss disease dish distance district divorce doctor document dog dollar door
double doubt down dozen drag draw drawer dream dress drink drive driver drop drug drunk dry
due during dust duty each ear early earn earth east easy eat edge education effort egg either
elderly election electric electricity else email embarrassed emergency emotion employ empty
encourage end enemy energy engine enjoy enormous enough enter entrance envelope equal escape
especially estate even evening event ever everybody everyday everywhere evidence evil exact
exam example excellent except exchange excited exciting excuse exercise exhausted exist
exit expect expensive experience expert explain express extra eye face fact factory fail
failure fair faith fall false familiar famous fan fancy far farm fashion fast fat father
fault favour fear feed feel feeling fellow female fence festival fever few field fight figure
fill film final finally finance find fine finger finish fire firm fish fit fix flag flat flight
floor flower flu fly focus fold folk follow food fool foot football force foreign forest
forever forget forgive fork form former fortune forward free freedom freeze fresh fridge
friend friendly friendship frighten front fruit frustrated fuel full fun funeral funny furniture
future gain game gap garage garden gas gate gather general generous gentle gentleman ghost gift
girl give glad glass global glove goal god gold golden good government grab grade gradually
grand grandchild grandfather grandmother grass grateful great green grey ground group grow
growth guard guess guest guide guilty guitar habit hair half hall hand handle hang happen happy
hard hardly harm hat hate head headache health healthy hear heart heat heavy height hello help
helpful hero hide high hill hire history hit hobby hold hole holiday hollow home homework honest
hope horrible horse hospital host hot hotel hour house household huge human humour hungry
hurry hurt husband ice idea ill illness image imagine immediate impact important impossible
improve include income increase incredible independent indoor industry infection influence
information injury inside insist instead instruction insurance interest interesting internet
interview introduce invite iron island issue item jacket jail jam job join joke journey joy
judge juice jump junior jury justice keen keep kettle key kick kid kill kind king kiss kitchen
knee knife knock know knowledge label lack lady lake lamp land landlord language large last
late laugh launch law lawyer lay lazy lead leader leaf learn least leather leave left leg legal
lend length less lesson letter level library licence lie life lift light like likely limit
line link lip list listen little live lively load loan local lock lonely long look loose lord
lose loss lost loud love lovely low lucky lunch machine mad magazine magic mail main major make
male manage manager manner map mark market marriage married mate material matter meal mean
meaning measure meat medicine meet meeting member memory mental mention menu mess message metal
method middle midnight mild milk mind mine minister minute mirror miss mistake mix mobile model
modern moment money month mood moon moral morning mortgage mother motor mountain mouse mouth
move movie mum muscle museum music mystery nail name narrow nation natural nature near nearby
neat necessary neck need needle neighbour neither nephew nervous network never nice niece night
nobody noise noisy none normal north nose note nothing notice novel now nurse object obvious
occasion ocean offer office officer often oil okay old open operation opinion opportunity
opposite orange order ordinary organise other outside oven owe own pack package page pain paint
pair palace pale pan panic paper parent park part partner party pass passenger passport past
path patient pattern pause pay peace pen pencil pension people pepper perfect perform perhaps
period permission person personal pet phone photo physical piano pick picnic picture piece pig
pile pill pilot pink pipe pitch pity place plan plane plant plastic plate platform play pleasant
please pleased plenty pocket poem poet point police polite political pool poor popular
position positive possible post pot potato pound pour power practice praise pray prefer
pregnant prepare present press pressure pretend pretty prevent price pride priest prince
print prison private prize probably problem process produce product programme progress
project promise proper property protect proud prove provide pub public pull punish pupil
purple purpose push quality quarter queen question queue quick quiet quite race radio rail rain
raise range rare rate rather reach read ready real reason receive recent recipe record recover
red reduce refuse regret relax release relief religion remain remember remind remote rent
repair repeat reply report rescue respect responsible rest restaurant result retire return
rice rich ride right ring rise risk river road rob rock role roll romantic roof room root rope
rough round routine row royal rubbish rude rule run rush sad safe safety sail salad salary
sale salt same sand sandwich satisfied save scared scene schedule scheme school science
scream screen sea search season seat second secret secretary section security seed seem sell
send senior sense sensible separate serious servant serve settle several shadow shake shame
shape share sharp sheet shelf shell shelter shift shine ship shirt shock shoe shoot shop shore
short shoulder shout show shower shut shy sick side sight sign signal silence silly silver
similar simple sing single sister sit situation size skill skin skirt sky sleep slide slight
slip slow small smart smell smile smoke smooth snack snow social society sock soft soil soldier
solid solution somebody son song soon sore sorry sort soul sound soup south space spare speak
special speech speed spell spend spirit spoon sport spot spring square staff stage stairs stamp
stand star start station stay steady steal step stick still stomach stone stop store storm
straight strange stranger stream street strength stress stretch strict strike strong struggle
student study stuff stupid subject succeed success sudden sugar suggest suit summer sun supper
supply sure surgery surprise surprised surround survive suspect swap sweet swim switch system
table tablet tail talent talk tall tap task taste tax taxi tea teach teacher team tear teenager
telephone television tell temper temperature tender tent term terrible test thank theatre
thick thief thin thing think thirsty thought thread threat throat throw ticket tidy tie tight
till time tiny tip tired title toast today toe together toilet tomorrow tone tongue tonight
tool tooth top topic total touch tough tour towel tower town toy track trade traffic train
training transport travel treat tree trial trick trip trouble trousers truck true trust truth
try tune turn twice twin type ugly umbrella uncle understand unemployed uniform union unit
university unless until upset upstairs urban useful usual valley value van various vegetable
victim view village visit visitor voice volunteer vote wage wait wake walk wall wallet want war
warm warn wash waste watch water wave way weak wealth weapon wear weather wedding week weekend
weigh weight welcome welfare west wet wheel whisper white whole wide widow wife wild willing
win wind window wine winter wise wish witness woman wonder wonderful wood wool word work worker
world worry worse worth wound wrap write wrong yard year yellow yesterday young youth zone
"""

# Unusual words planted in a few stories each, so that searches have selective terms.
# Each is given to this share of stories (rounded), spread evenly through them.
RARE_WORDS = {
    "kaleidoscope": 0.003,
    "harmonica": 0.002,
    "velodrome": 0.004,
    "beekeeping": 0.005,
    "marmalade": 0.006,
    "tambourine": 0.008,
    "origami": 0.01,
    "lighthouse": 0.012,
    "pantomime": 0.015,
    "allotment": 0.02,
    "hedgehog": 0.025,
    "sourdough": 0.03,
    "karaoke": 0.035,
    "canal": 0.04,
    "snooker": 0.05,
    "crossword": 0.06,
}

PLACES = [
    "Leeds",
    "Manchester",
    "Birmingham",
    "Bristol",
    "Bradford",
    "Sheffield",
    "Liverpool",
    "Newcastle",
    "Cardiff",
    "Glasgow",
    "Edinburgh",
    "Belfast",
    "Nottingham",
    "Leicester",
    "Coventry",
    "Hull",
    "Plymouth",
    "Swansea",
    "Sunderland",
    "Preston",
    "Derby",
    "Stoke",
    "Wolverhampton",
    "Norwich",
    "Exeter",
    "Blackpool",
    "Oldham",
    "Rochdale",
    "Wrexham",
    "Dundee",
    "Aberdeen",
    "Inverness",
    "Derry",
    "Lancaster",
    "Carlisle",
    "Middlesbrough",
    "Doncaster",
    "Huddersfield",
    "Luton",
    "Brighton",
]

TOPICS = [
    "co-production",
    "peer research",
    "trust",
    "mental health",
    "housing",
    "homelessness",
    "recovery",
    "employment",
    "welfare benefits",
    "caring",
    "disability",
    "education",
    "youth work",
    "older people",
    "loneliness",
    "food poverty",
    "criminal justice",
    "domestic abuse",
    "migration",
    "language",
    "neighbourhood",
    "arts",
    "sport",
    "faith",
    "family",
    "health services",
    "social care",
    "addiction",
    "neurodiversity",
    "power",
    "payment for participation",
    "volunteering",
    "digital inclusion",
    "transport",
    "climate",
    "parks and green spaces",
    "community safety",
    "childhood",
    "grief",
    "hope",
]
SECTORS = [
    "health_social_care",
    "housing",
    "local_authority",
    "community",
    "education",
    "criminal_justice",
    "employment",
    "research",
    "arts_culture",
    "other",
]
LANGUAGES = ["en"] * 16 + ["cy", "pl", "ur", "pa", "so", "ar", "ro", "es", "bn", "other"]
FIRST_NAMES = [
    "Amira",
    "Gaz",
    "Leanne",
    "Kirsty",
    "Winnie",
    "Dev",
    "Marcus",
    "Joy",
    "Tomasz",
    "Aisha",
    "Bridget",
    "Callum",
    "Fatima",
    "Hamza",
    "Imogen",
    "Jamal",
    "Keisha",
    "Liam",
    "Maya",
    "Niamh",
    "Olu",
    "Priya",
    "Rhys",
    "Sana",
    "Tariq",
    "Una",
    "Vikram",
    "Wes",
    "Yasmin",
    "Zofia",
    "Agnes",
    "Bilal",
    "Ciara",
    "Dylan",
    "Efua",
    "Fraser",
    "Grace",
    "Hussein",
    "Isla",
    "Jordan",
]
INTERVIEWER_LABEL = "Interviewer"

SEGMENTS = (40, 150)  # paragraphs per transcript
WORDS = (3000, 9000)  # words per transcript: 20 to 60 minutes of talk
BATCH = 250  # stories written per batch

# What each measured page asks for, checked on every response.
RESULT_COUNT = re.compile(rb'<p class="result-count" role="status">(\d+) stor')
SEGMENT_ITEM = re.compile(rb'<li class="segment"')
REQUEST_TIMEOUT = 600  # seconds, for gunicorn's workers too, so that slow pages still finish


# ---- Making the database --------------------------------------------------------------------


def bench_env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER_URL}/{DATABASE}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
    }


def recreate_database(name: str = DATABASE) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{SERVER_URL}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()


def prepare_database(name: str, folder: Path) -> dict[str, str]:
    """Recreate and migrate a benchmark database, collect static files and set Django up.

    Return the environment the app is served with.
    """
    env = {**bench_env(folder), "DATABASE_URL": f"{SERVER_URL}/{name}"}
    recreate_database(name)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update({**env, "DJANGO_SETTINGS_MODULE": "corpro.settings"})
    import django

    django.setup()
    return env


class Words:
    """Sentences in the manner of the demo transcripts, with a vocabulary of a few thousand words.

    A first-order Markov chain over the demo transcripts gives sentences with real phrases
    ("lived experience", "peer research"); about one word in five is then swapped for a word
    drawn from the whole vocabulary with Zipf's law, so common words are everywhere and the
    tail is rare. Stories are made of sentences drawn from a pool of such sentences.
    """

    def __init__(self, rng: random.Random, pool_size: int = 120_000):
        from stories import demo_content

        self.rng = rng
        source = " ".join(
            [story["transcript"] for story in demo_content.STORIES]
            + [story["summary"] for story in demo_content.STORIES]
        )
        lines = [
            line.split(":", 1)[1] if ":" in line[:40] else line for line in source.splitlines()
        ]
        tokens = " ".join(lines).split()
        demo_words = {w.lower() for w in re.findall(r"[a-z][a-z'’-]+[a-z]", source.lower())}
        vocabulary = sorted(
            (demo_words | set(COMMON_WORDS.split())) - set(RARE_WORDS), key=lambda w: (len(w), w)
        )
        rng.shuffle(vocabulary)
        self.vocabulary = vocabulary
        weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
        self.follows: dict[str, list[str]] = {}
        for here, after in itertools.pairwise(tokens):
            self.follows.setdefault(here, []).append(after)
        starts = [after for here, after in itertools.pairwise(tokens) if _ends(here)]
        self.cumulative = list(itertools.accumulate(weights))
        self.pool = [self._sentence(starts) for _ in range(pool_size)]
        self.pool_words = [len(sentence.split()) for sentence in self.pool]

    def _sentence(self, starts: list[str]) -> str:
        rng = self.rng
        word = rng.choice(starts)
        words = [word]
        while not _ends(word) and len(words) < 40:
            word = rng.choice(self.follows.get(word) or starts)
            words.append(word)
        swaps = rng.choices(self.vocabulary, cum_weights=self.cumulative, k=len(words))
        for position, word in enumerate(words):
            if rng.random() < 0.2:
                bare = word.strip('.,?!;:"“”‘’()')
                if bare.isalpha() and bare.islower():
                    words[position] = word.replace(bare, swaps[position])
        sentence = " ".join(words).replace('"', "").replace("“", "").replace("”", "")
        if not _ends(sentence):
            sentence += "."
        return sentence[0].upper() + sentence[1:]

    def paragraph(self, words: int, used: set[int]) -> str:
        chosen, total = [], 0
        while True:
            index = self.rng.randrange(len(self.pool))
            length = self.pool_words[index]
            if chosen and total + length / 2 > words:
                break
            chosen.append(index)
            total += length
        used.update(chosen)
        return " ".join(self.pool[index] for index in chosen)


def _ends(word: str) -> bool:
    return word.rstrip('"”’)').endswith((".", "?", "!"))


def generate(count: int) -> dict:
    """Write `count` published public stories in bulk, as the services would store them."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils.text import slugify
    from taggit.models import Tag, TaggedItem

    from stories import search
    from stories.models import (
        AuditEvent,
        Consent,
        Membership,
        Project,
        SearchTerm,
        Segment,
        Story,
        Storyteller,
        Transcript,
    )

    started = time.perf_counter()
    rng = random.Random(SEED)
    words = Words(rng)
    print(
        f"vocabulary: {len(words.vocabulary):,} words, {len(words.pool):,} sentences "
        f"({time.perf_counter() - started:.0f} s)",
        flush=True,
    )
    user_model = get_user_model()
    curator = user_model.objects.create_user("bench-curator")
    interviewers = [user_model(username=f"bench-interviewer-{n}") for n in range(24)]
    for interviewer in interviewers:
        interviewer.set_unusable_password()
    interviewers = user_model.objects.bulk_create(interviewers)
    projects = Project.objects.bulk_create(
        [
            Project(name=f"Bench project {n}", slug=f"bench-project-{n}", description="Bench.")
            for n in range(12)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(project=p, user=curator, role="curator") for p in projects]
        + [
            Membership(project=p, user=u, role="interviewer")
            for p in projects
            for u in interviewers
        ]
    )
    tags = Tag.objects.bulk_create([Tag(name=name, slug=slugify(name)) for name in TOPICS])
    story_type = ContentType.objects.get_for_model(Story)
    place_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(PLACES))]
    tag_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(tags))]
    rare = list(RARE_WORDS.items())
    codes: set[str] = set()
    used_sentences: set[int] = set()
    extra_words: set[str] = set()
    totals = {"stories": 0, "words": 0, "segments": 0}
    now = datetime.now(UTC)
    first_day, last_day = date(2015, 1, 1), date(2026, 10, 31)
    longest = (0, None)

    for batch_start in range(0, count, BATCH):
        size = min(BATCH, count - batch_start)
        plans = []
        for number in range(batch_start, batch_start + size):
            recorded = first_day + timedelta(days=rng.randrange((last_day - first_day).days))
            published = min(
                datetime(recorded.year, recorded.month, recorded.day, 12, tzinfo=UTC)
                + timedelta(days=rng.randrange(10, 200), minutes=rng.randrange(600)),
                now - timedelta(minutes=rng.randrange(1, 10_000)),
            )
            credit = rng.choices(["anonymous", "name", "pseudonym"], weights=[5, 3, 2])[0]
            code = _code(rng, codes)
            plans.append(
                {
                    "number": number,
                    "project": rng.choice(projects),
                    "interviewer": rng.choice(interviewers),
                    "credit": credit,
                    "credit_name": ""
                    if credit == "anonymous"
                    else f"{rng.choice(FIRST_NAMES)} {code[-2:]}",
                    "code": code,
                    "recorded": recorded,
                    "published": published,
                    "place": "" if rng.random() < 0.05 else rng.choices(PLACES, place_weights)[0],
                    "language": rng.choice(LANGUAGES),
                    "tags": set(rng.choices(tags, tag_weights, k=rng.randint(1, 4))),
                    "sectors": rng.sample(SECTORS, rng.randint(0, 3)),
                    "title": _title(words),
                    "summary": words.paragraph(rng.randint(25, 60), used_sentences),
                    "publish_audio": rng.random() < 0.3,
                }
            )
        with transaction.atomic():
            storytellers = Storyteller.objects.bulk_create(
                [
                    Storyteller(
                        project=plan["project"],
                        code=plan["code"],
                        credit_preference=plan["credit"],
                        credit_name=plan["credit_name"],
                        age_band=rng.choice(["18-24", "25-34", "35-44", "45-54", "55-64", "75+"]),
                        gender=rng.choice(["woman", "man", "non_binary", "prefer_not_to_say"]),
                        sectors=plan["sectors"],
                        coproduction_roles=["lived_experience"],
                        created_by=plan["interviewer"],
                    )
                    for plan in plans
                ]
            )
            stories = Story.objects.bulk_create(
                [
                    Story(
                        project=plan["project"],
                        storyteller=storyteller,
                        interviewer=plan["interviewer"],
                        title=plan["title"],
                        summary=plan["summary"],
                        recorded_on=plan["recorded"],
                        place=plan["place"],
                        language=plan["language"],
                        status=Story.Status.PUBLISHED,
                        submitted_at=plan["published"] - timedelta(days=3),
                        published_at=plan["published"],
                    )
                    for plan, storyteller in zip(plans, storytellers, strict=True)
                ]
            )
            consents = Consent.objects.bulk_create(
                [
                    Consent(
                        story=story,
                        version=1,
                        archive_research=True,
                        use_sensemaking=rng.random() < 0.8,
                        quote_anonymous=True,
                        quote_credited=plan["credit"] != "anonymous",
                        publish_transcript=True,
                        publish_audio=plan["publish_audio"],
                        method=rng.choice(["written", "verbal", "easy_read", "advocate"]),
                        obtained_on=plan["recorded"],
                        obtained_by=plan["interviewer"],
                        recorded_by=plan["interviewer"],
                    )
                    for plan, story in zip(plans, stories, strict=True)
                ]
            )
            for story, consent in zip(stories, consents, strict=True):
                story.current_consent = consent
            Story.objects.bulk_update(stories, ["current_consent"])
            TaggedItem.objects.bulk_create(
                [
                    TaggedItem(tag=tag, content_type=story_type, object_id=story.pk)
                    for plan, story in zip(plans, stories, strict=True)
                    for tag in plan["tags"]
                ]
            )
            transcripts, all_segments = [], []
            for plan, story in zip(plans, stories, strict=True):
                paragraphs = _interview(words, rng, plan, used_sentences, extra_words, rare)
                text, spans = _join(paragraphs)
                words_here = sum(len(paragraph.split()) for _speaker, paragraph in paragraphs)
                totals["words"] += words_here
                totals["segments"] += len(paragraphs)
                if words_here > longest[0]:
                    longest = (words_here, story.pk)
                transcript = Transcript(
                    story=story,
                    version=1,
                    text=text,
                    origin=Transcript.Origin.PASTED,
                    source_format="paste",
                    created_by=plan["interviewer"],
                )
                transcripts.append(transcript)
                all_segments.append((paragraphs, spans))
            Transcript.objects.bulk_create(transcripts)
            Segment.objects.bulk_create(
                (
                    Segment(
                        transcript=transcript,
                        index=index,
                        speaker=speaker,
                        text=paragraph,
                        char_start=start,
                        char_end=end,
                    )
                    for transcript, (paragraphs, spans) in zip(
                        transcripts, all_segments, strict=True
                    )
                    for index, ((speaker, paragraph), (start, end)) in enumerate(
                        zip(paragraphs, spans, strict=True)
                    )
                ),
                batch_size=2000,
            )
            AuditEvent.objects.bulk_create(
                [
                    AuditEvent(
                        action=action,
                        actor=actor,
                        actor_label=actor.username,
                        project=plan["project"],
                        story=story,
                        details=details,
                        created_at=when,
                    )
                    for plan, story in zip(plans, stories, strict=True)
                    for action, actor, details, when in (
                        (
                            AuditEvent.Action.CONSENT_RECORDED,
                            plan["interviewer"],
                            {"version": 1, "method": "written"},
                            plan["published"] - timedelta(days=5),
                        ),
                        (
                            AuditEvent.Action.STORY_SUBMITTED,
                            plan["interviewer"],
                            {},
                            plan["published"] - timedelta(days=3),
                        ),
                        (
                            AuditEvent.Action.STORY_PUBLISHED,
                            curator,
                            {"consent_version": 1},
                            plan["published"],
                        ),
                    )
                ]
            )
        for plan in plans:
            extra_words.update([plan["title"], plan["place"], *(t.name for t in plan["tags"])])
        totals["stories"] += size
        elapsed = time.perf_counter() - started
        print(
            f"  {totals['stories']:>6,} stories, {totals['words']:>11,} words ({elapsed:.0f} s)",
            flush=True,
        )

    step = time.perf_counter()
    with connection.cursor() as cursor:
        # What search.index_transcript stores: the public text (no redactions here) and its
        # vector. The GIN index is dropped and rebuilt around the update, which is much faster
        # than updating it row by row; the index is the one migration 0003 makes.
        cursor.execute("DROP INDEX IF EXISTS stories_segment_search_gin")
        ranges = _id_ranges(cursor, "stories_segment", 2)
    _parallel_sql(
        "UPDATE stories_segment SET public_text = text, "
        "search_vector = to_tsvector(%s::regconfig, COALESCE(text, '')) "
        "WHERE id BETWEEN %s AND %s",
        [(search._config(), low, high) for low, high in ranges],
    )
    print(f"segment vectors: {time.perf_counter() - step:.0f} s", flush=True)
    step = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            "CREATE INDEX stories_segment_search_gin ON stories_segment USING GIN (search_vector)"
        )
        # What search.index_story stores: title A, summary B, place and topics C.
        cursor.execute(
            """
            UPDATE stories_story s SET search_vector =
                setweight(to_tsvector(%(c)s::regconfig, COALESCE(s.title, '')), 'A')
                || setweight(to_tsvector(%(c)s::regconfig, COALESCE(s.summary, '')), 'B')
                || setweight(to_tsvector(%(c)s::regconfig, COALESCE(s.place, '')), 'C')
                || setweight(to_tsvector(%(c)s::regconfig, COALESCE((
                    SELECT string_agg(g.name, ' ')
                    FROM taggit_taggeditem i JOIN taggit_tag g ON g.id = i.tag_id
                    WHERE i.content_type_id = %(ct)s AND i.object_id = s.id
                ), '')), 'C')
            """,
            {"c": search._config(), "ct": story_type.pk},
        )
    print(f"segment index and story vectors: {time.perf_counter() - step:.0f} s", flush=True)
    # What search._remember_words stores: every word of the public text, titles, summaries,
    # places and topics. A transcript is its pool sentences joined by spaces, so its words are
    # the words of the sentences it used plus the rare words planted in it.
    texts = [words.pool[index] for index in used_sentences] + sorted(extra_words)
    found = {match.group().lower() for text in texts for match in search.WORD.finditer(text)}
    SearchTerm.objects.bulk_create(
        [SearchTerm(word=word) for word in sorted(found)], ignore_conflicts=True, batch_size=1000
    )
    step = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        totals["database size"] = cursor.fetchone()[0]
    print(f"vacuum analyze: {time.perf_counter() - step:.0f} s", flush=True)
    totals["search terms"] = SearchTerm.objects.count()
    totals["seconds"] = time.perf_counter() - started
    totals["longest"] = longest
    return totals


def _code(rng: random.Random, codes: set[str]) -> str:
    while True:
        code = "ST-" + "".join(rng.choice("ABCDEFGHJKMNPQRSTUVWXYZ23456789") for _ in range(5))
        if code not in codes:
            codes.add(code)
            return code


def _title(words: Words) -> str:
    sentence = words.pool[words.rng.randrange(len(words.pool))].split()
    length = words.rng.randint(3, 8)
    title = " ".join(sentence[:length]).rstrip(".,?!;:'’")
    return title[:200]


def _interview(words, rng, plan, used, extra_words, rare) -> list[tuple[str, str]]:
    """Return (speaker, paragraph) pairs: short questions, long answers."""
    segments = rng.randint(*SEGMENTS)
    total = rng.randint(*WORDS)
    questions = (segments + 1) // 2
    answers = segments - questions
    question_words = [rng.randint(8, 30) for _ in range(questions)]
    answer_total = max(total - sum(question_words), answers * 20)
    shares = [rng.uniform(0.3, 1.7) for _ in range(answers)]
    scale = answer_total / sum(shares)
    storyteller = plan["credit_name"] or "Storyteller"
    paragraphs = []
    for n in range(segments):
        if n % 2 == 0:
            paragraphs.append([INTERVIEWER_LABEL, words.paragraph(question_words[n // 2], used)])
        else:
            paragraphs.append([storyteller, words.paragraph(int(shares[n // 2] * scale), used)])
    number = plan["number"]
    for word, share in rare:
        if int((number + 1) * share + 0.5) > int(number * share + 0.5):
            extra_words.add(word)
            for _ in range(rng.randint(1, 3)):
                paragraph = paragraphs[rng.randrange(1, segments, 2)]
                sentence = paragraph[1].split(" ")
                sentence.insert(rng.randrange(len(sentence)), word)
                paragraph[1] = " ".join(sentence)
    return [(speaker, text) for speaker, text in paragraphs]


def _join(paragraphs: list[tuple[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """Join segments as services.add_transcript does: text, and each segment's span in it."""
    separator = "\n\n"
    spans, position = [], 0
    for _speaker, text in paragraphs:
        spans.append((position, position + len(text)))
        position += len(text) + len(separator)
    return separator.join(text for _speaker, text in paragraphs), spans


def _id_ranges(cursor, table: str, parts: int) -> list[tuple[int, int]]:
    cursor.execute(f"SELECT min(id), max(id) FROM {table}")  # noqa: S608 (our own table name)
    low, high = cursor.fetchone()
    step = (high - low) // parts + 1
    return [(low + n * step, min(high, low + (n + 1) * step - 1)) for n in range(parts)]


def _parallel_sql(statement: str, params: list[tuple]) -> None:
    """Run one statement per parameter set, each on its own connection, at the same time."""
    import psycopg2

    errors = []

    def run(values):
        try:
            connection = psycopg2.connect(f"{SERVER_URL}/{DATABASE}")
            with connection, connection.cursor() as cursor:
                cursor.execute(statement, values)
            connection.close()
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(values,)) for values in params]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


# ---- Measuring ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/bare/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


def start_server(env: dict, root: Path = ROOT) -> tuple[subprocess.Popen, int]:
    """Serve the app in `root` (this checkout, or another) with gunicorn on a free local port."""
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "corpro.wsgi",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--timeout",
            str(REQUEST_TIMEOUT),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=root,
        env={**env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    wait_until_up(port)
    return server, port


def check_results(body: bytes) -> str | None:
    match = RESULT_COUNT.search(body)
    if not match:
        return "no result count on the page"
    if int(match.group(1)) == 0 or b'class="story-card"' not in body:
        return "no results"
    return None


def check_story(body: bytes) -> str | None:
    return None if SEGMENT_ITEM.search(body) else "no transcript on the story page"


def run_clients(client, clients: int) -> float:
    """Run client(number) in that many threads at once; return the seconds they took."""
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began


def latency_summary(latencies: list[float], elapsed: float) -> dict:
    """Requests, requests per second, and p50 and p95 in ms of sorted latencies in seconds."""
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95": latencies[int(len(latencies) * 0.95)] * 1000 if latencies else float("nan"),
    }


def load(port, paths, *, clients, seconds, max_requests, check):
    """Request the paths in turn from `clients` threads for `seconds` (or `max_requests`)."""
    latencies: list[float] = []
    problems: list[str] = []
    counts: set[int] = set()
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.monotonic() + seconds

    def client(offset: int):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        mine, turn = [], offset
        while time.monotonic() < deadline:
            with lock:
                if next(counter, None) is None:
                    break
            path = paths[turn % len(paths)]
            turn += clients
            began = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as error:
                problems.append(f"{path}: {error!r}")
                connection.close()
                continue
            mine.append(time.perf_counter() - began)
            if response.status != 200:
                problems.append(f"{path}: status {response.status}")
            elif check and (problem := check(body)):
                problems.append(f"{path}: {problem}")
            if match := RESULT_COUNT.search(body):
                counts.add(int(match.group(1)))
            if response.will_close:
                connection.close()  # gunicorn's sync workers close after each response
        connection.close()
        with lock:
            latencies.extend(mine)

    elapsed = run_clients(client, clients)
    latencies.sort()
    return {
        **latency_summary(latencies, elapsed),
        "slowest": latencies[-1] if latencies else float("nan"),
        "problems": problems,
        "results": ", ".join(str(count) for count in sorted(counts)),
    }


def endpoints(story_ids: list[int], longest: int) -> list[tuple[str, list[str], object]]:
    def q(text):
        return f"/stories/?q={quote_plus(text)}"

    return [
        ("bare view", ["/bench/bare/"], None),
        ("home page", ["/"], None),
        ("story list", ["/stories/"], check_results),
        ("list, place=Leeds", ["/stories/?place=Leeds"], check_results),
        ("search: selective word", [q("kaleidoscope")], check_results),
        ("search: broad word", [q("community")], check_results),
        ('search: "phrase"', [q('"lived experience"')], check_results),
        ("search: -exclusion", [q("council -housing")], check_results),
        ("story page, random", [f"/stories/{pk}/" for pk in story_ids], check_story),
        ("story page, longest", [f"/stories/{longest}/"], check_story),
    ]


def measure(env: dict, *, clients: int, seconds: float, max_requests: int) -> list[dict]:
    import psycopg2

    connection = psycopg2.connect(f"{SERVER_URL}/{DATABASE}")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM stories_story ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT story_id FROM stories_transcript ORDER BY octet_length(text) DESC LIMIT 1"
        )
        longest = cursor.fetchone()[0]
    connection.close()
    story_ids = random.Random(SEED).sample(ids, min(200, len(ids)))
    server, port = start_server(env)
    rows = []
    try:
        for name, paths, check in endpoints(story_ids, longest):
            # Warm up each worker; a page slower than the timed phase is reported from these.
            row = load(port, paths, clients=2, seconds=1, max_requests=2, check=check)
            warm_up_only = row["slowest"] > seconds
            if not warm_up_only:
                row = load(
                    port,
                    paths,
                    clients=clients,
                    seconds=seconds,
                    max_requests=max_requests,
                    check=check,
                )
            row["warm-up only"] = warm_up_only
            row["name"] = name
            row["path"] = paths[0] if len(paths) == 1 else "/stories/<id>/ (200 stories)"
            rows.append(row)
            print(
                f"  {name}: {row['requests']} requests, {row['rps']:.1f}/s, "
                f"p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms"
                + (" (the 2 warm-up requests only)" if row.get("warm-up only") else ""),
                flush=True,
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return rows


def print_table(rows: list[dict]) -> None:
    bare = rows[0]
    print()
    print("| page | requests | req/s | p50 ms | p95 ms | req/s ÷ bare | p50 ÷ bare | results |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        mark = " †" if row["warm-up only"] else ""
        print(
            f"| {row['name']} (`{row['path']}`) | {row['requests']:,}{mark} | {row['rps']:,.2f} "
            f"| {row['p50']:,.1f} | {row['p95']:,.1f} | {row['rps'] / bare['rps']:.4f} "
            f"| {row['p50'] / bare['p50']:,.1f}× | {row['results']} |"
        )
    if any(row["warm-up only"] for row in rows):
        print(
            "\n† slower than the timed phase: measured from the 2 warm-up requests "
            "(one per worker, at the same time) only."
        )
    problems = [problem for row in rows for problem in row["problems"]]
    if problems:
        print(f"\n{len(problems)} problems, for example:")
        for problem in problems[:10]:
            print(f"  {problem}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000, help="stories to generate")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per page")
    parser.add_argument("--max-requests", type=int, default=20_000, help="requests per page")
    parser.add_argument(
        "--reuse", action="store_true", help=f"measure the existing {DATABASE} database"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as folder:
        env = bench_env(Path(folder))
        if not args.reuse:
            began = time.perf_counter()
            recreate_database()
            manage = [PYTHON, "manage.py"]
            subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
            print(f"created and migrated {DATABASE} ({time.perf_counter() - began:.0f} s)")
            os.environ.update({**env, "DJANGO_SETTINGS_MODULE": "corpro.settings"})
            totals = generate(args.stories)
            print(
                f"generated {totals['stories']:,} stories, {totals['words']:,} words in "
                f"{totals['segments']:,} segments, {totals['search terms']:,} search terms, "
                f"database {totals['database size']}, in {totals['seconds']:.0f} s "
                f"(longest transcript: {totals['longest'][0]:,} words, "
                f"story {totals['longest'][1]})",
                flush=True,
            )
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        print(
            f"measuring: {args.clients} clients, {args.seconds:g} s or "
            f"{args.max_requests:,} requests per page; load average before: "
            f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
            flush=True,
        )
        rows = measure(
            env, clients=args.clients, seconds=args.seconds, max_requests=args.max_requests
        )
        print_table(rows)
    print(
        f"\nThe {DATABASE} database is kept for inspection; drop it with:\n"
        f"  psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE {DATABASE}'"
    )


if __name__ == "__main__":
    main()
