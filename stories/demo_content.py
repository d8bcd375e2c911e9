# ruff: noqa: E501
"""The demo project's content, written for corpro.

Everything here is invented for the demo: the people, their stories, their contact details
(example.org addresses and phone numbers from the Ofcom drama range) and the one street
address that is redacted. The subject matter follows published Community Reporting work on
the value of co-production, but every transcript was written fresh in the storytellers' own
voices. The seed_demo command loads it.
"""

from datetime import date

PROJECT = {
    "name": "The Value of Co-production",
    "slug": "value-of-coproduction",
    "description": (
        "Peer interviewers gather stories from people who have taken part in co-production: "
        "people with lived experience of multiple disadvantage, carers, peer researchers, "
        "practitioners, commissioners and academics. Together we make sense of what "
        "co-production is worth to individuals, organisations and society, what gets in the "
        "way, and what it takes to do it well."
    ),
}

USERS = [
    {
        "username": "curator",
        "first_name": "Harriet",
        "last_name": "Quinlan",
        "email": "curator@example.org",
        "role": "curator",
    },
    {
        "username": "interviewer",
        "first_name": "Sol",
        "last_name": "Mensah",
        "email": "interviewer@example.org",
        "role": "interviewer",
    },
    {
        "username": "interviewer2",
        "first_name": "Bernadette",
        "last_name": "Lowe",
        "email": "interviewer2@example.org",
        "role": "interviewer",
    },
    {
        "username": "facilitator",
        "first_name": "Callum",
        "last_name": "Ashby",
        "email": "facilitator@example.org",
        "role": "facilitator",
    },
]

STORYTELLERS = [
    {
        "key": "amira",
        "credit_preference": "name",
        "credit_name": "Amira Hussain",
        "age_band": "35-44",
        "gender": "woman",
        "ethnicity": "asian_pakistani",
        "disability": "no",
        "lgbtqia": "no",
        "sectors": ["health_social_care", "community", "research"],
        "coproduction_roles": ["lived_experience", "peer_researcher"],
        "lived_experiences": ["mental_health", "poverty"],
        "contact": {
            "full_name": "Amira Hussain",
            "email": "amira.hussain@example.org",
            "phone": "07700 900112",
            "notes": "Prefers a text first. Not available at school pick-up times.",
        },
    },
    {
        "key": "gaz",
        "credit_preference": "pseudonym",
        "credit_name": "Gaz",
        "age_band": "45-54",
        "gender": "man",
        "ethnicity": "white_british",
        "disability": "no",
        "lgbtqia": "no",
        "sectors": ["criminal_justice", "housing", "health_social_care"],
        "coproduction_roles": ["lived_experience", "volunteer"],
        "lived_experiences": ["addiction", "homelessness", "prison"],
        "contact": {
            "full_name": "Gary Whitfield",
            "email": "g.whitfield@example.org",
            "phone": "07700 900245",
            "notes": "Reach him through the peer group on Tuesdays, or by phone after 10am.",
        },
    },
    {
        "key": "pauline",
        "credit_preference": "name",
        "credit_name": "Pauline Ashworth",
        "age_band": "65-74",
        "gender": "woman",
        "ethnicity": "white_british",
        "disability": "no",
        "lgbtqia": "no",
        "sectors": ["health_social_care"],
        "coproduction_roles": ["carer"],
        "lived_experiences": ["carer"],
        "contact": {
            "full_name": "Pauline Ashworth",
            "email": "pauline.ashworth@example.org",
            "phone": "07700 900318",
            "notes": "Landline preferred in the mornings; caring commitments can change plans at short notice.",
        },
    },
    {
        "key": "tayo",
        "credit_preference": "anonymous",
        "credit_name": "",
        "age_band": "18-24",
        "gender": "non_binary",
        "ethnicity": "mixed",
        "disability": "no",
        "lgbtqia": "yes",
        "sectors": ["local_authority", "housing", "education"],
        "coproduction_roles": ["lived_experience"],
        "lived_experiences": ["care_system", "adverse_childhood", "poverty"],
        "contact": {
            "full_name": "Tayo Brennan",
            "email": "tayo.b@example.org",
            "phone": "07700 900407",
            "notes": "Uses they/them. Contact by email only; do not leave voicemails.",
        },
    },
    {
        "key": "grace",
        "credit_preference": "name",
        "credit_name": "Grace Adeyemi",
        "age_band": "45-54",
        "gender": "woman",
        "ethnicity": "black_african",
        "disability": "no",
        "lgbtqia": "no",
        "sectors": ["local_authority", "health_social_care", "housing"],
        "coproduction_roles": ["commissioner"],
        "lived_experiences": ["prefer_not_to_say"],
        "contact": {
            "full_name": "Grace Adeyemi",
            "email": "grace.adeyemi@example.org",
            "phone": "07700 900521",
            "notes": "Work email is fine; copy in her team inbox for scheduling.",
        },
    },
    {
        "key": "ros",
        "credit_preference": "pseudonym",
        "credit_name": "Ros",
        "age_band": "55-64",
        "gender": "woman",
        "ethnicity": "white_british",
        "disability": "yes",
        "lgbtqia": "yes",
        "sectors": ["research", "education", "housing"],
        "coproduction_roles": ["academic"],
        "lived_experiences": ["physical_disability"],
        "contact": {
            "full_name": "Helen Marsden",
            "email": "h.marsden@example.org",
            "phone": "07700 900634",
            "notes": "Wheelchair user: meet in step-free venues only.",
        },
    },
    {
        "key": "marcus",
        "credit_preference": "anonymous",
        "credit_name": "",
        "age_band": "35-44",
        "gender": "man",
        "ethnicity": "black_caribbean",
        "disability": "prefer_not_to_say",
        "lgbtqia": "prefer_not_to_say",
        "sectors": ["health_social_care"],
        "coproduction_roles": ["lived_experience"],
        "lived_experiences": ["mental_health"],
        "contact": {
            "full_name": "Marcus Reid",
            "email": "m.reid@example.org",
            "phone": "07700 900713",
            "notes": "Asked to see any quotes before they are used.",
        },
    },
    {
        "key": "robin",
        "credit_preference": "pseudonym",
        "credit_name": "Robin",
        "age_band": "25-34",
        "gender": "woman",
        "ethnicity": "white_british",
        "disability": "no",
        "lgbtqia": "yes",
        "sectors": ["housing", "community"],
        "coproduction_roles": ["lived_experience", "practitioner"],
        "lived_experiences": ["homelessness", "addiction", "domestic_abuse", "mental_health"],
        "contact": {
            "full_name": "Leanne Tate",
            "email": "leanne.tate@example.org",
            "phone": "07700 900829",
            "notes": "Works early outreach shifts; best reached in the afternoon.",
        },
    },
    {
        "key": "kirsty",
        "credit_preference": "name",
        "credit_name": "Kirsty Bell",
        "age_band": "25-34",
        "gender": "woman",
        "ethnicity": "white_british",
        "disability": "yes",
        "lgbtqia": "no",
        "sectors": ["health_social_care", "local_authority"],
        "coproduction_roles": ["lived_experience"],
        "lived_experiences": ["neurodiversity", "other"],
        "contact": {
            "full_name": "Kirsty Bell",
            "email": "kirsty.bell@example.org",
            "phone": "07700 900846",
            "notes": "Has a learning disability. Send easy read letters; her support worker helps with arrangements.",
        },
    },
    {
        "key": "winnie",
        "credit_preference": "pseudonym",
        "credit_name": "Winnie",
        "age_band": "75+",
        "gender": "woman",
        "ethnicity": "white_british",
        "disability": "yes",
        "lgbtqia": "no",
        "sectors": ["community", "local_authority"],
        "coproduction_roles": ["volunteer", "carer"],
        "lived_experiences": ["carer", "physical_disability"],
        "contact": {
            "full_name": "Margaret Holt",
            "email": "",
            "phone": "07700 900952",
            "notes": "No email. Deaf in one ear: speak clearly on the phone, or write by post via the older people's forum.",
        },
    },
    {
        "key": "shirin",
        "credit_preference": "anonymous",
        "credit_name": "",
        "age_band": "25-34",
        "gender": "woman",
        "ethnicity": "asian_bangladeshi",
        "disability": "no",
        "lgbtqia": "prefer_not_to_say",
        "sectors": ["housing"],
        "coproduction_roles": ["practitioner", "lived_experience"],
        "lived_experiences": ["poverty"],
        "contact": {
            "full_name": "Shirin Rahman",
            "email": "shirin.r@example.org",
            "phone": "07700 900075",
            "notes": "Use her personal email, never her work address.",
        },
    },
    {
        "key": "lyn",
        "credit_preference": "anonymous",
        "credit_name": "",
        "age_band": "",
        "gender": "",
        "ethnicity": "",
        "disability": "",
        "lgbtqia": "",
        "sectors": [],
        "coproduction_roles": [],
        "lived_experiences": [],
        "contact": {
            "full_name": "Lyn",
            "email": "",
            "phone": "",
            "notes": "Met at the breakfast drop-in. Contact only through the drop-in staff. Chose not to answer the monitoring questions.",
        },
    },
]

STORIES = [
    {
        "storyteller": "amira",
        "interviewer": "interviewer2",
        "title": "Sitting on the same side of the table",
        "summary": "Amira went from answering surveys about mental health services to training as a peer researcher with South Asian women in her own neighbourhood. She explains why women opened up to interviewers from their community, and how the analysis became real co-learning with the academics.",
        "recorded_on": date(2026, 3, 18),
        "place": "Bradford",
        "language": "en",
        "tags": ["peer research", "trust", "co-production"],
        "status": "published",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": True,
            "publish_transcript": True,
            "publish_audio": True,
            "method": "written",
        },
        "with_recording": True,
        "transcript": """Interviewer: Thanks for making time, Amira. This is your story, so start wherever feels right for you. What do you want to talk about today?

Amira Hussain: I want to talk about being a peer researcher, because people hear that word "peer" and think it's a softer version of research, like research with the hard bits taken out. It's the opposite. It's research with the hard bits put back in.

Interviewer: What do you mean by the hard bits?

Amira Hussain: The bits that don't fit on a questionnaire. I'd been through mental health services myself, and I'd been on the other side of a lot of surveys. Tick a box from one to five. How satisfied were you with your care. Nobody ever asked me what happened the night before I rang the crisis line, or why I didn't ring it the three times before that. The hard bits are the why.

Interviewer: How did you get from answering surveys to asking the questions?

Amira Hussain: A women's group I went to was asked to help with a project about mental health support for South Asian women in the city. At first it was the usual: come to a focus group, have a sandwich, go home. But one of the workers pushed for us to be trained as interviewers instead. Eight weeks of proper training. Ethics, consent, how to listen without jumping in. I remember thinking, me? A researcher? I left school at sixteen.

Interviewer: And what was it like when you started interviewing?

Amira Hussain: Terrifying for about ten minutes, then something clicked. I sat down with a woman, older than me, and before we'd even started she said, "You're from round here, aren't you?" I said yes, three streets over. And her shoulders just dropped. She talked to me for an hour and a half. She told me things she said she'd never told her GP in twenty years.

Interviewer: Why do you think she opened up?

Amira Hussain: Because I wasn't sitting across the table from her. I was sitting on the same side. I knew what it was like to have your mum worry about what the aunties would say. I knew the words she was using, sometimes in Urdu, sometimes in English, sometimes a mix of the two. I didn't make her explain her own life to me. You can't teach that in a training session. You either carry it or you don't.

Interviewer: Did the research team notice a difference?

Amira Hussain: They did, and to be fair to them, they said so. The lead researcher told us that in the earlier phase they'd struggled to get anyone to come forward. Once people knew the interviewers were women from the community, the phone didn't stop. Trust travels. One woman tells her sister, her sister tells her neighbour. People came because they knew somebody like them had a hand in it.

Interviewer: What happened when it came to making sense of all those interviews?

Amira Hussain: That was my favourite part, honestly. We sat round a big table with the transcripts and coloured pens, the academics and us. The conversations were deep. Passionate. Sometimes we argued. An academic would say this is a theme about access, and one of us would say no, it's not about access, the door's open, it's about shame, nobody wants to be seen walking through it. And they'd stop and think and change it. Everything was shared, even our confusion.

Interviewer: That sounds like learning in both directions.

Amira Hussain: It was. I learned how to code data and write a findings section. They learned that a word like "stress" can mean ten different things depending on who's saying it. Nobody was the teacher all the time. I think that's what co-production actually is. Not everybody being the same, but everybody bringing something, and nobody's bit being worth less.

Interviewer: Was there anything that got in the way?

Amira Hussain: Plenty, but I'll save the paperwork for another day, because that's a whole story on its own. The main thing was time. Proper peer research is slow. You can't build trust to a deadline. There were moments where the funder wanted numbers and we wanted another month of conversations, and I don't think we always won that one.

Interviewer: What changed because of the research?

Amira Hussain: The local service now runs a women-only drop-in with workers who speak community languages, and they changed the leaflets so they don't say "mental illness" on the front in big letters. Small things, maybe. But a woman I interviewed came up to me in the market last month and said she'd been. She'd been. That's worth more to me than any report.

Interviewer: And for you personally?

Amira Hussain: I'm doing a part-time research methods course at the college now. Three years ago I'd have laughed at you. My confidence, my sense of what I'm capable of, it's completely different. I used to think my experience was something to hide. Now I know it's a kind of expertise.

Interviewer: If you could say one thing to an organisation thinking about peer research, what would it be?

Amira Hussain: Don't bring us in at the end to make your report look nice. Bring us in at the start, while you're still deciding what the question is. The people living it are the ones who know which questions are worth asking.""",
    },
    {
        "storyteller": "amira",
        "interviewer": "interviewer2",
        "title": "The payment form that nearly made me quit",
        "summary": "Invited onto a regional steering group, Amira was sent an eleven-page supplier form and no clear answer about her benefits. She explains how bringing the form to the table changed the way people are paid, and why power includes who controls the paperwork.",
        "recorded_on": date(2026, 6, 9),
        "place": "Bradford",
        "language": "en",
        "tags": ["funding", "power", "employment"],
        "status": "draft",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": True,
            "publish_transcript": True,
            "publish_audio": False,
            "method": "written",
        },
        "with_recording": False,
        "transcript": """Interviewer: Last time you said the paperwork deserved a story of its own. So here we are.

Amira Hussain: Here we are. Put the kettle on, it's a long one. [laughs]

Interviewer: Where does it start?

Amira Hussain: It starts with a thank-you. After the first project, I was asked to join the steering group for a bigger piece of work across the region. Lovely. Recognition. And they said, we'll pay you for your time, of course, we value lived experience. And then the form arrived.

Interviewer: What was on the form?

Amira Hussain: Eleven pages. They wanted me set up as a supplier. A supplier! Like I was a company selling them printer ink. They wanted a tax reference, public liability insurance, a bank letter on headed paper, and I had to invoice them within thirty days of each meeting, and then they'd pay within sixty. So I'm giving up a morning, paying my own bus fare, arranging for someone to pick up my son, and I might see the money two months later.

Interviewer: How did that feel?

Amira Hussain: Honestly? It made me feel like the value they talked about was only in the words. Everyone else round that table was on a salary. Their time was paid for before they walked into the room. My time was a problem for the finance department.

Interviewer: Were there other worries, beyond the wait?

Amira Hussain: Benefits. At that point I was on Universal Credit, and nobody could tell me how the payments would affect it. I rang the helpline, I asked the project, I asked a welfare rights worker. Three different answers. I was genuinely scared that being involved would cost me more than it paid me. And I know people who've stopped getting involved completely because of that fear. You lose the exact voices you said you wanted.

Interviewer: What did you do?

Amira Hussain: I nearly quit. I wrote the email. I had it sitting in my drafts. Then I thought, no. If I leave, the next woman will get the same form and she'll quit too, and nobody will ever know why. So I brought it to the steering group instead. I put the form on the table and said, this is what co-production looks like from my side.

Interviewer: How did they respond?

Amira Hussain: There was a silence. Then the chair, who was very senior, said she'd never seen it. She'd never seen the form. That was the moment I understood. The people making decisions about involvement had no idea what involvement actually involved. They weren't bad people. The system was just built around people with payslips.

Interviewer: Did anything change?

Amira Hussain: Slowly. They set up a simpler route: a one-page form, paid within two weeks, and a choice of vouchers or money for people worried about their benefits, with proper advice from a welfare rights service that the project pays for. They started paying bus fares up front instead of afterwards. And they put it all in writing, so it didn't depend on one nice manager.

Interviewer: That's a real change.

Amira Hussain: It is, and I'm proud of it. But I want people to hear the other half. It took six months of meetings to get a one-page form. Six months. Everybody says co-production is about sharing power, but power is also who controls the money and who controls the paperwork. If you haven't changed that, you haven't really shared anything.

Interviewer: Is there anything you'd say to people in your position?

Amira Hussain: Ask the awkward question early. Ask how you'll be paid, when, and what happens with your benefits, before you give them a single hour. It's not greedy. Your time and your experience are worth something, and if they're serious, they'll have an answer.

Interviewer: And to the organisations?

Amira Hussain: Sit down and fill in your own form, pretending you've got no bank letter, no accountant and a child to collect at three. If you can't do it, neither can we.""",
    },
    {
        "storyteller": "gaz",
        "interviewer": "interviewer",
        "title": "From the back of the room to the front",
        "summary": "Nine months into recovery, Gaz sat at the back of his first lived experience meeting with his hood up. He now co-delivers crisis training to police and paramedics, and talks about real control, the cost of retelling your story, and finding a purpose.",
        "recorded_on": date(2026, 4, 2),
        "place": "Gateshead",
        "language": "en",
        "tags": ["recovery", "being heard", "co-production"],
        "status": "published",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": True,
            "publish_transcript": True,
            "publish_audio": False,
            "method": "verbal",
        },
        "with_recording": False,
        "redact": "Dean Foster",
        "transcript": """Interviewer: So, Gaz, where do you want to start?

Gaz: Probably the first meeting, because that's the one I nearly didn't go to. I'd been clean about nine months. I was in supported accommodation and my key worker, Dean Foster, kept going on about this group, people with lived experience helping to redesign services. I thought, nah, that's not for the likes of me. Meetings are for people with lanyards.

Interviewer: What got you through the door?

Gaz: Free dinner, if I'm being honest. [laughs] And he said he'd walk in with me. So I sat at the back, hood up, arms folded. I'd been in enough rooms where people talked about me like I wasn't there. Probation, courts, assessments. I was waiting for it to happen again.

Interviewer: Did it?

Gaz: No, and that threw me. The woman running it asked what we thought was wrong with the way services worked, and then she wrote down exactly what we said. Not a tidied-up version. Exactly. When one lad said "they treat you like a number in a queue", that's what went on the flipchart. I'd never seen my words written up on a wall before.

Interviewer: What was the work you ended up doing?

Gaz: We helped design a training course for the police and the ambulance crews, about how to deal with people in crisis who've got a lot going on. Drugs, drink, mental health, nowhere to live, all of it at once. Because the way it used to go, somebody's kicking off outside a shop at two in the morning, and the only thing anybody sees is the kicking off. They don't see the three days without sleep, or the hostel that put him out.

Interviewer: How did you feel standing up in front of the police?

Gaz: First time, my legs were going. I'd been arrested by some of the people in that room, no word of a lie. But here's the thing: they listened. One sergeant came up after and said, "I've been doing this twenty-two years and nobody's ever explained it to me like that." He shook my hand. A copper shook my hand. If you'd told me that at nineteen I'd have called you a liar.

Interviewer: What do you think made it work?

Gaz: They didn't just want our stories for the sad bit at the start. We wrote the scenarios. We picked what went in and what came out. When the trainers wanted a section on "difficult clients", we said no, call them people, and they changed it. We had real control. That's the difference between being asked and being involved.

Interviewer: What has it meant for your recovery?

Gaz: Everything, really. Recovery's not just stopping using. It's finding something to fill the hole. This gave me a reason to get up on a Tuesday. It gave me a purpose, people who believed in me, and a bit of pride I hadn't felt for years. I found out I'm good at explaining things. I'm good at calming a room down. Turns out all those years of surviving taught me something useful.

Interviewer: Has anything been difficult?

Gaz: Yeah. Telling your story over and over takes it out of you. Some sessions I'd go home and feel raw for days. Early on, nobody really checked on us afterwards. We had to push for a debrief after every session, somebody to talk to. Now it's part of how it runs. If you're asking people to bring their worst days into a room, you've got to look after them when they leave it.

Interviewer: Where are you now?

Gaz: I'm a paid peer trainer, two days a week. Proper contract. I've got my own flat. I co-deliver the course with a paramedic, and we're a double act now, me and her. She does the clinical bit, I do the real bit, is how I put it. She laughs at that.

Interviewer: What would you want someone sitting at the back of the room to hear?

Gaz: That your experience counts as knowledge. You don't need a lanyard. The stuff you've been through, horrible as it was, is exactly what these services need to hear. Sit at the back for the first one if you want. I did. Just don't leave before the end.""",
    },
    {
        "storyteller": "gaz",
        "interviewer": "interviewer",
        "title": "We're not a project, we're a community",
        "summary": "When the programme funding his peer group ran out, Gaz and the other members decided to carry on without it. He describes learning to run a constituted group, acting as a bridge between people on the streets and the council, and what funders should do differently.",
        "recorded_on": date(2026, 8, 20),
        "place": "Gateshead",
        "language": "en",
        "tags": ["recovery", "funding", "trust"],
        "status": "changes_requested",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": True,
            "publish_transcript": True,
            "publish_audio": False,
            "method": "verbal",
        },
        "review_note": "A strong story, thank you. Before we publish: Gaz names another resident (Kev) in the part about moving into the hostel. Please check with Gaz whether Kev has agreed to be named; if not, redact the name and resubmit. Could you also confirm with him that the grant details are fine to share?",
        "with_recording": False,
        "transcript": """Interviewer: You wanted to come back and talk about the group itself, Gaz. Why that?

Gaz: Because last time I talked about me, and it's not really about me. None of what I did would've happened on my own. I wanted to talk about the lot of us, and what happens when a bunch of people who've been written off start backing each other.

Interviewer: Tell me about the group.

Gaz: There's about fourteen of us regular. A mixture. Some in recovery like me, some who've been in prison, a couple of women who've come out of abusive relationships, one fella who was in care his whole childhood. On paper we've got nothing in common apart from being the people services find hard. In the room we've got loads in common.

Interviewer: What happens in the room?

Gaz: Work, mostly. We review things for services. Leaflets, policies, new buildings even. But the bit that matters is what happens around the work. When I first moved into the hostel there was a lad called Kev who'd been through the group. He was the one who showed me where the food bank was and which workers you could trust. That's how it spreads. You get connected, and then you connect the next person.

Interviewer: Last year the funding for the group was due to end. What happened?

Gaz: Panic, at first. The programme it came out of was time-limited. Five years, then done. We'd all been saying for ages, what happens after? Everyone nodded and nobody had an answer. Then the letter came. Funding ends in March.

Interviewer: How did the group respond?

Gaz: We had a meeting, just us, no staff, which was a first. Someone said, right, are we a group because they pay for the room, or are we a group because we need each other? Nobody said the first one. So we decided to keep going. We looked into becoming a constituted group. None of us had a clue how, so we learned. Constitution, bank account, treasurer. I'm vice chair now, if you can believe that.

Interviewer: That's a big step.

Gaz: It's massive. And the staff from the old programme were brilliant, to be fair. They stepped back and let us lead, but they didn't just disappear. One of them helped us write our first funding bid. We got a small grant from a community foundation. Not a lot, but enough for a room, the bus fares and a brew.

Interviewer: What does the group give to the wider area, not just to its members?

Gaz: We're a bridge. If the council wants to know what people on the streets think about a new policy, they can come to us and we'll go out and ask, because people will talk to us. They won't talk to somebody with a clipboard and a council badge. We've run two listening events in the town centre now. A councillor came to the last one, sat on a plastic chair with a cup of tea and actually listened. That's how you build trust. Bit by bit.

Interviewer: What's been hard about it?

Gaz: Everything takes longer than you think. People relapse, people get housed in another town, people fall out. We've had arguments. Real ones. But we've learned that's part of it. You don't chuck someone out because they've had a bad month. That's what the system did to us. We're not doing it to each other.

Interviewer: What would you like people to understand about groups like yours?

Gaz: That we're not a project. Projects end. We're a community. If you're a funder and you want co-production, don't fund a five-year programme and then walk away. Fund the people so they can keep going after you've gone. The knowledge is in us, and it doesn't stop when your grant does.

Interviewer: Anything else?

Gaz: Just that I'm proud of them. All of them. When we started, half of us couldn't look each other in the eye. Now we're running our own show. Put that in the report.""",
    },
    {
        "storyteller": "pauline",
        "interviewer": "interviewer",
        "title": "Carers know things nobody writes down",
        "summary": "After fifteen years of caring for her son and writing complaint letters, Pauline was invited to help redesign how a mental health trust works with families. She describes the day a psychiatrist closed his laptop, and the single form that meant she could finally speak to the ward.",
        "recorded_on": date(2026, 3, 26),
        "place": "Stockport",
        "language": "en",
        "tags": ["mental health", "being heard", "co-production"],
        "status": "published",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": True,
            "publish_transcript": True,
            "publish_audio": False,
            "method": "written",
        },
        "with_recording": False,
        "transcript": """Interviewer: Pauline, thank you for having me in. Where would you like to begin?

Pauline Ashworth: With my son, I suppose, because that's where all of it begins. He's thirty-four now. He was first unwell at nineteen, at university, and I've been his carer, one way or another, ever since. Fifteen years of appointments, crises, waiting lists and forms.

Interviewer: How did you come to be involved in co-production?

Pauline Ashworth: By being a nuisance. [laughs] I used to write letters. Long ones. Complaints, mostly, about how nobody would tell me anything because of confidentiality. I understand confidentiality. But when your son is sitting in your kitchen at three in the morning talking about not wanting to be here, and the crisis team won't tell you what his care plan says, you feel completely shut out. Eventually somebody at the trust rang me and said, would you like to help us do this better, instead of writing to us about it?

Interviewer: What did they ask you to do?

Pauline Ashworth: Join a group redesigning how the mental health service works with families. There were clinicians, managers, two people who used the service and three of us carers. At the first meeting I thought, here we go, they'll tell us what they've already decided and ask us to nod. And I did see a bit of that at the beginning. A lovely slide show with the answers already on it.

Interviewer: What changed that?

Pauline Ashworth: One of the other carers, a retired headteacher, very polite but very firm, put her hand up and said, "With respect, these are your answers. We haven't been asked our questions yet." And the psychiatrist chairing it, to his great credit, closed the laptop. He said, fair point, where would you start? And we started again from there.

Interviewer: Where did you start?

Pauline Ashworth: With what actually happens to a family when someone becomes unwell. We mapped the whole journey out on the wall, from the first worrying phone call to the first appointment, which for us was eleven weeks. The clinicians had only ever seen their bit of it. They'd never seen the eleven weeks. One nurse got quite upset. She said, I had no idea what happened to people before they got to me.

Interviewer: That sounds like a powerful moment.

Pauline Ashworth: It was. Carers know things nobody writes down. We see the early signs before anybody else does. We know which medication made him sleep for fourteen hours and which one made him feel wrapped in cotton wool. That's knowledge. Real knowledge. It was just never collected, because nobody thought of us as people who know things. They thought of us as people who worry.

Interviewer: What came out of the group?

Pauline Ashworth: A carers' information pack written by carers, so it uses plain words. A named contact for families on every ward. And a simple agreement form, so that when someone is well they can say what they're happy for their family to be told if they become unwell again. My son filled one in. It meant that the last time he was admitted, I could actually speak to the ward. After fifteen years. That one piece of paper changed everything for me.

Interviewer: Were there difficulties?

Pauline Ashworth: Of course. I'm a carer, so my time isn't my own. A ten o'clock meeting at a hospital forty minutes away is hard when you don't know what sort of day you're going to have. Some weeks I just couldn't come. They got better at it. They started holding some meetings online, and sending the papers out a week ahead instead of on the day. It sounds small, but it's the difference between taking part and being left out.

Interviewer: And what has it given you personally?

Pauline Ashworth: Confidence, I'd say, and a bit of peace. For years I felt like I was banging my head on a wall. Now I feel like some of that banging built a door. I've made friends, other carers, and we ring each other. We don't have to explain. And I've learned an awful lot about how the system works from the inside, which helps when I'm fighting his corner.

Interviewer: What do you want people to take from your story?

Pauline Ashworth: Nothing about us without us, and that includes the mums and dads and partners and sisters. We're not in the way. We're part of the care. If you leave carers out of the room, you're leaving half the knowledge out of the room too.""",
    },
    {
        "storyteller": "tayo",
        "interviewer": "interviewer2",
        "title": "Who holds the keys",
        "summary": "A young care leaver joined a paid panel helping the council design new supported flats, and later sat on the panel that hired the staff. They talk about moving meetings onto young people's ground, the difference between a performance and real involvement, and seeing themselves as an expert for the first time.",
        "recorded_on": date(2026, 4, 15),
        "place": "Manchester",
        "language": "en",
        "tags": ["care system", "housing", "power"],
        "status": "published",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": False,
            "publish_transcript": True,
            "publish_audio": False,
            "method": "written",
        },
        "with_recording": False,
        "transcript": """Interviewer: Thanks for doing this. You can take it wherever you like. What's on your mind?

Storyteller: I want to talk about the care leavers' panel, because it's the first time anybody in the system asked me what I thought and then actually did something with it. I've been in care since I was eleven. Seven placements. You get used to decisions happening to you. Social worker changes, school changes, house changes, and you find out in the car.

Interviewer: How did you get involved with the panel?

Storyteller: My personal adviser mentioned it when I was eighteen. The council was building new supported flats for young people leaving care, and they wanted a group of us to help design them. I said yes mainly because it was paid and I was skint. I'm not going to pretend it was a noble thing. [laughs]

Interviewer: That's honest. What was it like at first?

Storyteller: Awkward. Big meeting room in the town hall, massive table, everyone with laptops. And us lot, five of us, in our hoodies. The architects talked in a language I didn't understand. Footfall, sightlines, I don't know. I didn't say a word for the first two sessions.

Interviewer: What changed?

Storyteller: The youth worker who ran it moved the meetings. She said, why are we making young people come to your building? Let's go to theirs. So the next one was at the youth centre, on the sofas, with pizza, and the architects had to come to us. Totally different vibe. It's amazing what happens when you change whose space it is. Suddenly we were the ones explaining things.

Interviewer: What did you explain?

Storyteller: Loads of small stuff that turns out to be big stuff. In my last placement the staff office had a window looking right into the lounge, so you always felt watched. We said, don't do that. We said the kitchen needs to be somewhere you can sit and eat with people, because most of us never had family meals. We said every door needs a lock that you have the key to, not the staff. One of the architects said, I'd never thought about who holds the key. And I said, yeah, that's because you've always held your own.

Interviewer: Did they take those ideas on board?

Storyteller: Most of them. Not all. We lost one about the doors because of fire regulations, which is fair enough. But after every meeting they sent us the drawings showing what had changed because of what we'd said. That was really important, actually. Being told "you said this, so we did that". Otherwise you just feel like you've been used to tick a box.

Interviewer: Have you been used to tick a box before?

Storyteller: Yeah, loads. I was asked to a conference to "share my journey", and they put me on the stage for five minutes between two directors and gave me a voucher. Nobody asked me anything after. That's not co-production. That's a performance. The panel was different because we were there for the whole thing, start to finish, and we had a say in the big decisions, not just the colour of the cushions.

Interviewer: What were the big decisions?

Storyteller: We sat on the interview panel for the staff. That was huge. We wrote our own questions. Mine was, what would you do if a young person came home at two in the morning really upset? Some of the candidates talked about incident forms. One woman said she'd put the kettle on and sit with them. She got the job. She's brilliant, by the way.

Interviewer: How has being part of this affected you?

Storyteller: It made me realise I actually know things. For years the professionals were the experts on my life and I was the problem. On the panel, I was the expert. That flipped something in my head. I'm at college now doing youth work, and I want to be the kind of worker who holds doors open instead of holding the keys.

Interviewer: What would you say to the council, or anyone doing this kind of work?

Storyteller: Pay young people properly, on time, without making us chase it. Come to where we are. Tell us what happened to what we said. And don't make it a one-off. Power isn't something you lend someone for an afternoon. It's something you share all the way through, including when it's inconvenient for you.

Interviewer: And to other young people in care?

Storyteller: Your story is yours. You don't have to tell all of it to be worth listening to. But what you know about living in the system is knowledge nobody with a degree can get. Use it.""",
    },
    {
        "storyteller": "grace",
        "interviewer": "interviewer",
        "title": "Learning to step back: a commissioner's story",
        "summary": "Grace spent ten years calling consultation co-production, until a woman with lived experience of homelessness told her that her new service suited only the people she had imagined. She describes coming to meetings with a blank page, the council systems that fought back, and what changed in her team.",
        "recorded_on": date(2026, 5, 7),
        "place": "Birmingham",
        "language": "en",
        "tags": ["funding", "power", "co-production"],
        "status": "published",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": True,
            "publish_transcript": True,
            "publish_audio": True,
            "method": "written",
        },
        "with_recording": True,
        "transcript": """Interviewer: Grace, you work on the other side of the table from most of the people we've spoken to. What made you want to share your story?

Grace Adeyemi: Because I think commissioners are often the missing voice in these conversations, and sometimes the problem in them. I've commissioned adult social care and homelessness services for the city council for about fourteen years. For the first ten, if I'm honest, I thought I was doing co-production. I wasn't.

Interviewer: What did you think you were doing?

Grace Adeyemi: Consultation. I'd write the service specification, take it to a group of people who used services for feedback, make a few changes and call it co-produced. I'd put the lived experience group's logo on the front cover. It was well meant, but every decision had been made before anybody with lived experience saw it.

Interviewer: What changed your mind?

Grace Adeyemi: A woman on one of those feedback panels. She'd been homeless for years, and she read my specification for a new outreach service and said, very calmly, "This is a good service for the people you've imagined. It's not a good service for the people I know." Then she explained why. The hours were wrong, the locations were wrong, and the eligibility criteria would have shut out half the people she'd slept alongside. She was right about all of it. I'd spent four months on that document.

Interviewer: How did you respond?

Grace Adeyemi: Badly, at first. I was defensive. I went home and stewed on it. Then I went back and asked whether she and some others would work with me from the very beginning on the next one. Not to review it. To write it.

Interviewer: What did that look like in practice?

Grace Adeyemi: Slower, messier and far better. We had a co-production group of eight people with lived experience of homelessness and multiple disadvantage, two frontline workers and me. They were paid for every hour at the same rate as a professional adviser. We met in a community centre, not at the council. We agreed principles together on the first day, and one of them was that I wasn't allowed to bring a draft. I had to come with a blank page.

Interviewer: How did it feel to come with a blank page?

Grace Adeyemi: Terrifying. My whole professional identity was built on being the person who knows. Stepping back felt like not doing my job. But I learned that my job in that room was different. My expertise was the procurement rules, the budget, the legal bits. Theirs was what actually helps. When we put those together, we got something neither of us could have produced alone.

Interviewer: Can you give an example?

Grace Adeyemi: The group insisted that the new contract should measure whether people felt treated with dignity, not just how many were housed. I said, we can't measure dignity. One of the men said, you can if you ask us. So we designed the questions with them, and people who use the service now help carry out the reviews. Providers told me it was the most useful feedback they'd ever had.

Interviewer: Were there barriers inside the council?

Grace Adeyemi: Constantly. Our procurement timetable doesn't leave room for trust to build. Finance couldn't work out how to pay people without bank accounts. Legal got nervous about people with lived experience sitting on the tender evaluation panel. We worked through every one of those, but each took weeks. Systems are designed for control. Co-production asks you to share it, so you end up rewriting the system as you go.

Interviewer: What difference has it made?

Grace Adeyemi: Measurably, fewer people dropping out of the service in the first month, which was always our biggest problem. Less waste, frankly, because we're not paying for things nobody uses. But the bigger change is in me and my team. We don't start anything now without asking who's missing from the room. It's become part of the culture, not a favour we do.

Interviewer: What would you say to other commissioners?

Grace Adeyemi: That co-production isn't a risk to be managed. Getting it wrong without lived experience is the real risk. And you have to be willing to be told you're wrong by someone who has no reason to be polite to you. It's uncomfortable. It's also the best professional learning I've ever had.

Interviewer: And the woman who challenged you?

Grace Adeyemi: She chairs the group now. She interviews me for my annual review. I'd say that's about right.""",
    },
    {
        "storyteller": "ros",
        "interviewer": "interviewer2",
        "title": "What my peers taught me that the university didn't",
        "summary": "An academic describes how older LGBT peer researchers rewrote her interview schedule and transformed a housing study. She is candid about how funding rules, ethics processes and slow payments put power back in the university's hands, and what she now refuses to do without community partners.",
        "recorded_on": date(2026, 6, 23),
        "place": "Sheffield",
        "language": "en",
        "tags": ["peer research", "power", "funding"],
        "status": "published",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": True,
            "publish_transcript": True,
            "publish_audio": False,
            "method": "written",
        },
        "with_recording": True,
        "transcript": """Interviewer: Ros, you asked to talk about what you learned from peer researchers. Where should we start?

Ros: With an admission. I spent twenty years as an academic thinking I was the one doing the teaching. I have a doctorate in social policy, I'd published on disability and housing, and I've used a wheelchair since my thirties, so I thought I understood lived experience. I understood my lived experience. That's not the same thing.

Interviewer: When did that become clear?

Ros: About six years ago, on a study of housing for older LGBT people. We recruited peer researchers from the community, people in their sixties and seventies, most of whom had never set foot in a university except, as one of them put it, to clean one. I'd designed the interview schedule. Very tidy. At our first training session one of the peer researchers read it and said, "You can't ask a seventy-year-old gay man about his partner in the first five minutes. For most of his life that question could have got him sacked." I'd completely missed it.

Interviewer: What did you do?

Ros: We threw the schedule out and rewrote it together over three sessions. The peers knew how to open a conversation so people felt safe. They knew the history, the pubs that were raided, the words people used back then. They brought a depth no literature review could have given me. The interviews were extraordinary. People told our peer researchers things they'd never told anyone.

Interviewer: What did the peer researchers get from you?

Ros: I hope something. Methods, how to analyse, how to write for a policy audience. I think it was genuinely co-learning. Nobody knew everything. We were finding the answers together, and that's the phrase I use now when I teach. But I want to be careful not to make this a tidy story, because the university made it very hard.

Interviewer: In what ways?

Ros: Where do I start? The funding had to go through the university, so I was the principal investigator, and the power automatically sat with me, even though the whole point was to share it. The peers couldn't be named as co-investigators because they didn't have institutional contracts. The ethics committee wanted every peer researcher to complete a two-hour online module designed for PhD students, full of jargon. And paying them took so long that one of them was out of pocket for four months. I was mortified.

Interviewer: How did you deal with that?

Ros: Some battles we won and some we lost. We got the ethics committee to accept a shorter, plainer training that the peers helped design. We got a small fund set aside so we could pay people on the day. We lost on the co-investigator point, and I'm still angry about it. Academic systems and structures are simply not built for co-production. They're built around one person with a title and a budget code.

Interviewer: What about authorship and credit?

Ros: That one we partly won. Every peer researcher who wanted to be named was named as a co-author on the report and on one of the journal papers. One of them, a retired bus driver, framed the first page of the article and hung it in his hallway. He said, I left school at fourteen and now I'm in a journal. That did more for my sense of purpose than any citation count ever has.

Interviewer: Has it changed how you work now?

Ros: Completely. I won't put in a bid unless community partners have been involved from the question stage, and we budget properly for their time, travel and support. It makes the bids more expensive and the timelines longer, and funders don't always like that. But the research is better. More honest, more useful, and more trusted by the people it's about. The people I used to call participants, I now call colleagues.

Interviewer: What would you say to other academics?

Ros: Get comfortable with not knowing. Your expertise is real, but it's one kind among several. The person across the table may have no letters after their name and still know more about the question than you do. If you can't be taught, you shouldn't be doing co-produced research.

Interviewer: And to the universities?

Ros: Change the rules. Let community researchers hold budgets and titles. Pay people quickly. Until the institution shares power, individual academics like me are just being kind within an unfair system, and kindness isn't the same as justice.""",
    },
    {
        "storyteller": "marcus",
        "interviewer": "interviewer",
        "title": "Invited to the table, not to the meal",
        "summary": "A man who has used mental health services describes years on a lived experience group where finished policies were stamped 'co-produced' without any of the group's comments in them. He contrasts this with one small project that shared real power, and says what he now asks before he agrees to take part.",
        "recorded_on": date(2026, 7, 1),
        "place": "Leeds",
        "language": "en",
        "tags": ["power", "being heard", "mental health", "trust"],
        "status": "submitted",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": False,
            "publish_transcript": True,
            "publish_audio": False,
            "method": "verbal",
        },
        "with_recording": False,
        "transcript": """Interviewer: Thank you for agreeing to talk. I know you've got mixed feelings about co-production. Where would you like to start?

Storyteller: Mixed is generous. [laughs] I want to be fair, so I'll say at the start that I've seen it done well once. But most of what I've been part of, I'd call tokenistic. I think people should hear that side too, because otherwise these reports are just adverts.

Interviewer: What's your background with it?

Storyteller: I've used mental health services on and off since my twenties. I was sectioned twice. As a Black man in those services, you notice things. How quickly the restraint comes out. How often you're described as "aggressive" when you're scared. So when the trust started a lived experience group, I thought, good, finally, somewhere to say this.

Interviewer: What happened?

Storyteller: The first few meetings were fine. Then I started to notice the pattern. They'd bring us a finished policy and ask for comments in the meeting, with no time to read it beforehand. We'd give comments. Then the policy would come out with nothing we'd said in it, but the front page would say "developed in partnership with people with lived experience". That line. I started to hate that line.

Interviewer: Did you raise it?

Storyteller: I did. I asked, can you show us what changed because of what we said? And the manager said our comments had been "taken into consideration". That phrase means nothing. You can take something into consideration and then put it in the bin.

Interviewer: How did that feel?

Storyteller: Like being invited to the table but not to the meal. You're in the photo, you're in the minutes, but you're not in the decision. And there's a cost to that. Every time I went, I was reliving parts of my life that were really painful so that someone could write "co-produced" on a document. After a while, that feels like being used.

Interviewer: Were there other problems?

Storyteller: The group was mostly the same faces. People who were well enough and confident enough to get to a ten o'clock meeting in the city centre. Nobody from the wards. Hardly anybody who looked like me. When I said that, they asked me to "bring some more BME people along", like I was a recruitment agency. They wanted diversity without doing the work of earning trust in communities that have every reason not to trust them.

Interviewer: You said you'd seen it done well once. What was different that time?

Storyteller: It was a small project about what happens after restraint, run by a voluntary sector organisation with the trust. They paid us properly. We set the questions. We had a budget we controlled. And at the end, two things actually changed on the wards: one about debriefs after restraint, one about letting people call someone they trust. We were told exactly what changed and why, and where we'd lost, we were told why as well. It wasn't perfect, but it was honest.

Interviewer: What made the difference, do you think?

Storyteller: Power. In the good one, we had some. In the bad ones we had none, we just had a seat. And honesty. I can live with not getting everything. I can't live with being told I've been listened to when I haven't. That's worse than not being asked at all, because it takes away your trust in the next person who asks.

Interviewer: Are you still involved?

Storyteller: Less. I'll do things where I can see the power is real. Before I say yes now, I ask: what can we actually change? What's off the table? Who makes the final decision? If they can't answer, I don't go.

Interviewer: What would you say to an organisation reading this?

Storyteller: If you're not prepared to change anything, don't call it co-production. Call it consultation and be honest about it. People can cope with honesty. What damages people is the pretending.""",
    },
    {
        "storyteller": "robin",
        "interviewer": "interviewer2",
        "title": "I start with a brew, not a form",
        "summary": "Robin spent four years homeless before a peer outreach worker helped her into a Housing First flat. As a tenant she helped rewrite the tenancy agreement and a rule that made people feel they were still in a hostel, and she now does the same outreach job that reached her.",
        "recorded_on": date(2026, 5, 21),
        "place": "Brighton",
        "language": "en",
        "tags": ["homelessness", "housing", "recovery", "trust"],
        "status": "published",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": True,
            "publish_transcript": True,
            "publish_audio": True,
            "method": "verbal",
        },
        # Its redaction could not be silenced in audio: the pasted transcript has no timings.
        "with_recording": False,
        "redact": "14 Brook Lane",
        "transcript": """Interviewer: Robin, thanks for meeting me here. Where do you want to start?

Robin: Probably with the street, because that's where I learned most of what I know. I was homeless on and off for about four years, from twenty-two. Sofa surfing, then a tent, then doorways, then hostels, then back out again. I was using, I was in a relationship that wasn't safe, and I didn't trust anyone in a uniform or a lanyard.

Interviewer: What was your experience of services then?

Robin: Honestly, it felt like being passed around. Every service had its own assessment, its own rules, its own reasons why you didn't fit. One hostel wouldn't take me with my partner, another wouldn't take me without a local connection. I told my story so many times that I stopped telling the truth, because the truth never got me anywhere. I just said what I thought they wanted to hear.

Interviewer: What changed?

Robin: A peer outreach worker. She'd been homeless herself. She didn't have a form. She sat on the pavement next to me and shared her chips, and she came back the next day, and the day after. It was about three weeks before I'd talk to her properly. In the end she got me into a Housing First flat, a little one-bed at 14 Brook Lane, and I still remember shutting the door and it being my door.

Interviewer: How did you get from there to co-production?

Robin: About a year in, the Housing First project asked if tenants wanted to help shape how it developed. There was a group once a month. I went because, in my head, I owed them. But it turned into something else. We went through the tenancy agreement line by line and rewrote it in plain English. We said which rules felt like punishment. We helped decide what the support workers' job descriptions should say.

Interviewer: Can you give an example of something you changed?

Robin: The visitors rule. The old agreement said no overnight guests for the first six months. On paper that's about safety. In real life it meant people couldn't have their kids to stay, or a mate who was still out there couldn't sleep on their floor on a freezing night. We argued that it made people feel like they were still in a hostel. The managers listened, and they changed it to a conversation with your worker instead of a blanket ban. That's the difference co-production makes. The people who wrote that rule had never had to live under it. We had.

Interviewer: How did it affect you personally?

Robin: It gave me my voice back. On the street you stop existing for people. They step round you. In that group, people waited for me to finish talking. That sounds tiny, but for me it was massive. It rebuilt something. I started to believe I had something to offer that wasn't just a sad story.

Interviewer: What are you doing now?

Robin: I'm a peer outreach worker. Same job as the woman who shared her chips with me. Full circle. I'm nearly five years clean and three years in my own place. I go out early mornings, and when I see someone in a doorway I know exactly how they feel about me walking up. I don't start with a form. I start with a brew.

Interviewer: Is trust something you think about a lot in your work?

Robin: All the time. Trust is the whole job. People on the street have been let down by services so many times. When they see someone like me who's been where they are, it's proof that things can change. Lived experience isn't a nice extra in this work. It's how you get through the door in the first place.

Interviewer: Were there things about co-production that were hard?

Robin: Some days the meetings felt like too much. You're sitting with managers, someone uses a word you don't know, and you feel stupid. We asked for a jargon buster, and a rule that anyone could put their hand up and say "what does that mean?" without feeling daft. And early on I was the only woman in the group who'd been on the streets, so I felt like I had to speak for every woman. That's a lot of weight. It got better when more women joined.

Interviewer: What do you hope people take from your story?

Robin: That nobody is beyond help, and that the people who've come through it are the best guides for the people still in it. Don't design homelessness services from an office. Ask us. We know where the gaps are, because we fell through them.""",
    },
    {
        "storyteller": "kirsty",
        "interviewer": "interviewer",
        "title": "I check the letters so people can read them",
        "summary": "Kirsty is part of a paid group of easy read checkers with learning disabilities who test letters and leaflets from the hospital and the council. In her own words she explains why easy words matter, how the group remade an operation leaflet, and how her confidence has grown.",
        "recorded_on": date(2026, 7, 16),
        "place": "Salford",
        "language": "en",
        "tags": ["being heard", "co-production", "employment"],
        "status": "submitted",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": True,
            "publish_transcript": True,
            "publish_audio": True,
            "method": "easy_read",
        },
        "with_recording": True,
        "transcript": """Interviewer: Hello Kirsty. Thank you for talking to me today. You can tell me anything you want about your work. Where shall we start?

Kirsty Bell: Hello. I want to talk about my group. We are called the Easy Read Checkers. We meet every Wednesday at the community centre.

Interviewer: What does the group do?

Kirsty Bell: We check letters and leaflets. From the hospital and the council and the doctors. We read them and we say if they are easy or hard. Most of the time they are hard. [laughs]

Interviewer: Why is that important?

Kirsty Bell: Because I have a learning disability. Lots of people do. If a letter is hard, we do not know what it says. Once I got a letter about my blood test. It had long words. I did not know if I was poorly. I was scared for a whole week. My mum had to ring up. I do not want that to happen to other people.

Interviewer: How did you start with the group?

Kirsty Bell: My support worker told me about it. I was nervous. I do not like new places. But the people were kind. They said, you are the expert here. Nobody said that to me before. At school they said I was slow.

Interviewer: How did it feel to be called the expert?

Kirsty Bell: It felt good. Like I was tall. [laughs] I know what is easy to read, because I am the one who reads it. The doctors do not know that. They think they know. But they don't.

Interviewer: Can you tell me about a time the group changed something?

Kirsty Bell: Yes. The hospital made a new leaflet about having an operation. It had tiny writing and no pictures. We said it needs big writing. It needs pictures. It needs short sentences, one thing on each line. And it needs to say what happens on the day, step by step. Like, you will wear a gown. You can bring someone with you. They listened. They made it again with us. Now it is in the hospital. It has our names on the back. I showed everyone. My mum, my nan, my friend at bowling. I said, I made this.

Interviewer: Do you get paid for your work?

Kirsty Bell: Yes. Now I do. At first it was a voucher. Then we said, this is a job. We are working. So now we get paid for each meeting. I have a bank card for it. I like having my own money. I bought a new coat with it.

Interviewer: Is anything hard about the group?

Kirsty Bell: Sometimes people come to our group and talk too fast. Or they use long words, and we have to say stop. We have a red card. If someone says a hard word, you hold up the red card. Some of the managers did not like it at first. Now they laugh and they slow down. One man said it made him better at his job. And some meetings are far away. I can't go on the bus on my own to new places. I need someone to come with me. If there is no one, I can't go. So I miss out. I want them to have more meetings near us.

Interviewer: What has the group given you?

Kirsty Bell: Friends. Confidence. I talk more now. Before, I was quiet. Now I talk at meetings. I did a talk at a big meeting with sixty people. I was shaking. But I did it. Everyone clapped.

Interviewer: What do you want people to know?

Kirsty Bell: People with learning disabilities can do things. We are clever in our own way. Ask us. Do not decide for us. If you write it for us, write it with us. Then everyone can understand it. Easy words are good for everybody, not just us.

Interviewer: Thank you, Kirsty. Is there anything else?

Kirsty Bell: Yes. Please make your letters easy. Thank you.""",
    },
    {
        "storyteller": "winnie",
        "interviewer": "interviewer2",
        "title": "We were doing this before it had a name",
        "summary": "At eighty-five, Winnie remembers running a playgroup in a church hall in the 1960s and says co-production is what her generation called getting on with it. After years caring for her husband, she joined an older people's forum that helped save and redesign the community bus.",
        "recorded_on": date(2026, 9, 10),
        "place": "Hastings",
        "language": "en",
        "tags": ["co-production", "being heard"],
        "status": "draft",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": True,
            "publish_transcript": True,
            "publish_audio": False,
            "method": "verbal",
        },
        "with_recording": False,
        "transcript": """Interviewer: Winnie, thank you for inviting me round. Where would you like to begin?

Winnie: Well, I'm eighty-five, dear, so if I start at the beginning we'll be here till Christmas. [laughs] Let's start with the word. Co-production. I'd never heard it until about five years ago. But when they explained it, I thought, oh, we were doing that in the nineteen-sixties. We just called it getting on with it.

Interviewer: What were you doing in the sixties?

Winnie: Running a playgroup in a church hall, because there wasn't one. A few of us mums. The council let us have the hall for nothing and we did the rest. Nobody wrote a strategy. We knew what the children needed because they were our children. That's what it is, really, isn't it? The people who need the thing helping to make the thing.

Interviewer: And how did you come to it more recently?

Winnie: After my husband died. I'd looked after him for six years, he had Parkinson's, and when he went I was lost. My daughter found me an older people's forum in the town. I went along expecting bingo. Instead they were arguing about bus routes. [laughs] I thought, this is more like it.

Interviewer: What was the forum working on?

Winnie: The council wanted to cut the community bus, the little one that goes round the estates. They said hardly anybody used it. We said, that's because it comes twice a day at the wrong times and the step's too high for half of us to get on. So they asked us to help redesign it. A few of us old girls sat down with the transport people and a young woman from the council with a laptop.

Interviewer: How did that go?

Winnie: Slowly at first. The transport man kept talking about efficiency. I said, young man, I've been catching buses for seventy years, let me tell you about efficiency. [laughs] But he was good, in the end. He came out on the bus with us one morning and saw how long it took my friend to get up the step with her frame. He went quite quiet. The next version had a low floor, and it stopped at the surgery and the library. Now it's full most days.

Interviewer: What do you think the older people brought that the council couldn't?

Winnie: Time, and memory. We've lived in the town our whole lives. We know which roads flood, where the benches used to be, which shop lets you use the toilet. And we know what loneliness is like, because most of us have buried a husband or a wife. When you're on your own, a bus isn't transport. It's your whole social life.

Interviewer: Has anything about it been difficult?

Winnie: Being taken seriously. Some people see white hair and start talking slower and louder. I'm deaf in one ear, not daft. And everything is online now. They'd send the papers by email, and half the forum haven't got it. We had to insist on paper copies in the post. That's not being awkward. That's including people.

Interviewer: What has being involved meant for you?

Winnie: It got me out of the house. It gave me a reason to put my lipstick on. I've made friends in their eighties and friends in their twenties, because we did a project with the college students too, swapping stories. One of them taught me how to video call my grandson in Australia. I taught her how to make pastry. That's a fair exchange, isn't it?

Interviewer: It certainly is. What would you like people to hear?

Winnie: Don't write us off. We're not a problem to be managed. We're people with a lot of living behind us. Ask us what we think while we're still here to tell you.""",
    },
    {
        "storyteller": "shirin",
        "interviewer": "interviewer2",
        "title": "Two hats: a housing officer from the estate",
        "summary": "A housing officer who grew up on one of the estates her employer manages led a residents' panel on damp and repairs. She describes meetings in community languages, residents signing off repairs themselves, and the weight of being on both sides of the table.",
        "recorded_on": date(2026, 4, 28),
        "place": "London",
        "language": "en",
        "tags": ["housing", "power", "trust"],
        "status": "withdrawn",
        "consent": {
            "archive_research": True,
            "use_sensemaking": True,
            "quote_anonymous": True,
            "quote_credited": False,
            "publish_transcript": True,
            "publish_audio": False,
            "method": "written",
        },
        "withdrawal_reason": "After reading her published story, the storyteller felt that colleagues and neighbours could recognise her and the residents' panel she describes, even though she is anonymous. She asked to withdraw the story in full.",
        "with_recording": False,
        "transcript": """Interviewer: Thanks for agreeing to this. Where would you like to start?

Storyteller: With the fact that I wear two hats. I'm a housing officer for a housing association, and I grew up on one of the estates we manage. My mum still lives there. So when we talk about co-production with residents, I'm sort of on both sides of the table at once.

Interviewer: What is that like?

Storyteller: Complicated. [laughs] At work I'm staff. At home I'm the girl whose mum makes the best samosas. When residents complain about the association, sometimes they're complaining about me, and sometimes they're complaining to me because they know I'll understand. Growing up, we were properly poor. Damp in the bedroom, five of us in two rooms. I know exactly what it's like to report a repair and wait months.

Interviewer: How did co-production come into your work?

Storyteller: After a couple of bad years of complaints, the association set up a residents' panel on repairs and damp. I asked to be the staff lead, partly because I speak Sylheti, and a lot of the older Bangladeshi residents would never have come to an English-only meeting. I knew that because my mum never did.

Interviewer: What difference did that make?

Storyteller: A huge one. We held the first sessions in the community room, with interpreting, at times that worked around prayers and the school run. Women came who'd lived on the estate for thirty years and never once been asked their opinion. One aunty brought photos on her phone of mould behind the wardrobe going back four years. Four years of photos. She'd been keeping evidence because she knew nobody would believe her.

Interviewer: What came out of the panel?

Storyteller: The residents redesigned how damp is reported and checked. Instead of a phone line with a menu, there's now a resident rep on each block who can log it with photos, and a promise that someone visits within ten days. They also insisted on checking the work afterwards and signing it off themselves. That last bit was a fight. Some managers didn't like residents marking our homework.

Interviewer: Why was it a fight?

Storyteller: Because it moves power. A repair isn't done when the contractor says so. It's done when the person living with it says so. That's a big shift for an organisation. I had to argue for it in rooms where I was the only person who'd ever lived in social housing. That can be lonely. You're trying to be professional, and you're also thinking about your mum's bedroom wall.

Interviewer: How has it affected trust on the estate?

Storyteller: It's better. Not fixed, but better. People see their neighbours on the panel and think, okay, maybe this time. Trust gets built when people who look like you and live like you are in the room where things are decided.

Interviewer: What about for you?

Storyteller: It's made me braver at work. I used to hide where I came from. I thought it made me look less professional. Now I think it's the most useful thing about me. But it's also tiring. When it goes wrong, I feel it twice, as staff and as a resident's daughter.

Interviewer: Anything you'd say to other organisations?

Storyteller: Look at who on your staff has lived what your residents live, and listen to them, but don't make them carry it all. Co-production shouldn't depend on one person wearing two hats.""",
    },
    {
        "storyteller": "lyn",
        "interviewer": "interviewer",
        "title": "A cup of tea and a question",
        "summary": "A regular at a breakfast drop-in talks about being surveyed many times and never hearing what happened next. At the drop-in's monthly members' meeting, small decisions like opening times are really made together, and that is where trust begins. Kept in the archive for research only.",
        "recorded_on": date(2026, 10, 8),
        "place": "Oldham",
        "language": "en",
        "tags": ["homelessness", "trust", "being heard"],
        "status": "submitted",
        "consent": {
            "archive_research": True,
            "use_sensemaking": False,
            "quote_anonymous": False,
            "quote_credited": False,
            "publish_transcript": False,
            "publish_audio": False,
            "method": "verbal",
        },
        "with_recording": False,
        "transcript": """Interviewer: Thanks for sitting down with me. We can stop any time. What would you like to talk about?

Storyteller: I'm not sure I've got much to say, to be honest. I just come here for the breakfast. [laughs] But you said it could be about anything, so maybe about this place.

Interviewer: This place is a good place to start. How long have you been coming?

Storyteller: About two years. Since I lost my flat. I'm in a room now, a shared house, but I still come most mornings. It's the people more than the food.

Interviewer: What is it about the people?

Storyteller: Nobody asks you for anything. Everywhere else it's forms. Name, date of birth, National Insurance number, why are you here, what's your plan. Here it's, do you want sugar? That's it. After a while you start talking because you want to, not because you have to.

Interviewer: Have you been asked for your views about services before?

Storyteller: Loads. Surveys, students with clipboards, a woman from the council once. I always say yes, because they're usually nice and sometimes there's a voucher. But I never hear what happens after. It goes into a folder somewhere. I don't even know if anybody reads it.

Interviewer: How does that feel?

Storyteller: You get used to it. It's like posting letters down a drain. You still post them, just in case.

Interviewer: Is it different here?

Storyteller: A bit. Once a month there's a members' meeting. Anyone who comes can go. We decide things like the opening times and what goes on the menu and whether to let dogs in. [laughs] That one was a big argument. The dogs won. And the staff actually do what we decide. If they can't, they tell us why at the next one.

Interviewer: Does that matter to you?

Storyteller: More than I'd have thought. It's small stuff. But when your whole life is other people deciding things, even deciding the opening times feels like something. We asked for it to open half an hour earlier because people were waiting outside in the cold, and they did it. The next week there was nobody on the step at half seven. That was us.

Interviewer: Would you want to be more involved?

Storyteller: I don't know. Maybe. I don't like talking in front of people. And I don't want my name on anything. I've got my reasons. But I like that the door's open if I want it. Nobody pushes.

Interviewer: Why did you decide to share your story today?

Storyteller: Because you're from round here and you've been where I've been, you said. That made a difference. And you said it can just go in the archive for research, and nobody has to hear it. I'm all right with that. If somebody reads it in ten years and it helps them make a place like this somewhere else, good.

Interviewer: What do you think makes a place like this work?

Storyteller: Trust. Patience. They wait for you. They don't give up on you when you don't show up for a week. And they listen to what you say at the meeting, even if it's about dogs. If you listen to the small stuff, people start telling you the big stuff.

Interviewer: Thank you. Is there anything else you want to add?

Storyteller: Just that the bacon's gone downhill. [laughs] You can put that in.""",
    },
]
