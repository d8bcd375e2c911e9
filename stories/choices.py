"""Answer lists for storyteller facts and consent scopes. Every list offers "prefer not to say"."""

PREFER_NOT = ("prefer_not_to_say", "Prefer not to say")

CONSENT_SCOPES = (
    "archive_research",
    "use_sensemaking",
    "quote_anonymous",
    "quote_credited",
    "publish_transcript",
    "publish_audio",
    "publish_video",
)

AGE_BANDS = [
    ("18-24", "18 to 24"),
    ("25-34", "25 to 34"),
    ("35-44", "35 to 44"),
    ("45-54", "45 to 54"),
    ("55-64", "55 to 64"),
    ("65-74", "65 to 74"),
    ("75+", "75 or over"),
    PREFER_NOT,
]

GENDERS = [
    ("woman", "Woman"),
    ("man", "Man"),
    ("non_binary", "Non-binary"),
    ("other", "In another way"),
    PREFER_NOT,
]

ETHNICITIES = [
    ("white_british", "White British"),
    ("white_other", "White, other"),
    ("mixed", "Mixed or multiple ethnic groups"),
    ("asian_indian", "Asian or Asian British: Indian"),
    ("asian_pakistani", "Asian or Asian British: Pakistani"),
    ("asian_bangladeshi", "Asian or Asian British: Bangladeshi"),
    ("asian_chinese", "Asian or Asian British: Chinese"),
    ("asian_other", "Asian or Asian British: other"),
    ("black_african", "Black or Black British: African"),
    ("black_caribbean", "Black or Black British: Caribbean"),
    ("black_other", "Black or Black British: other"),
    ("arab", "Arab"),
    ("other", "Another ethnic group"),
    PREFER_NOT,
]

YES_NO = [("yes", "Yes"), ("no", "No"), PREFER_NOT]

SECTORS = [
    ("health_social_care", "Health and social care"),
    ("housing", "Housing"),
    ("local_authority", "Local authority"),
    ("community", "Community and voluntary sector"),
    ("education", "Education"),
    ("criminal_justice", "Criminal justice"),
    ("employment", "Employment and welfare"),
    ("research", "Research"),
    ("arts_culture", "Arts and culture"),
    ("other", "Another sector"),
    PREFER_NOT,
]

COPRODUCTION_ROLES = [
    ("lived_experience", "Person with lived experience"),
    ("carer", "Carer or family member"),
    ("peer_researcher", "Peer researcher"),
    ("practitioner", "Practitioner or professional"),
    ("commissioner", "Commissioner or funder"),
    ("academic", "Academic researcher"),
    ("volunteer", "Volunteer"),
    ("other", "Another role"),
    PREFER_NOT,
]

LIVED_EXPERIENCES = [
    ("physical_disability", "Physical disability"),
    ("mental_health", "Mental health challenges"),
    ("neurodiversity", "Neurodiversity"),
    ("addiction", "Addiction"),
    ("homelessness", "Homelessness"),
    ("poverty", "Poverty"),
    ("care_system", "The care system"),
    ("carer", "Being a carer"),
    ("adverse_childhood", "Adverse childhood experiences"),
    ("prison", "Prison"),
    ("adoption", "Adoption"),
    ("sexual_exploitation", "Sexual exploitation"),
    ("domestic_abuse", "Domestic abuse"),
    ("other", "Something else"),
    PREFER_NOT,
]

LANGUAGES = [
    ("en", "English"),
    ("cy", "Welsh"),
    ("gd", "Scottish Gaelic"),
    ("ga", "Irish"),
    ("pl", "Polish"),
    ("pa", "Punjabi"),
    ("ur", "Urdu"),
    ("bn", "Bengali"),
    ("ar", "Arabic"),
    ("so", "Somali"),
    ("ro", "Romanian"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("other", "Another language"),
]

# The storyteller facts that are special-category data: curators and admins only.
DEMOGRAPHIC_FIELDS = (
    "age_band",
    "gender",
    "ethnicity",
    "disability",
    "lgbtqia",
    "sectors",
    "coproduction_roles",
    "lived_experiences",
)

MULTI_CHOICE_FIELDS = {
    "sectors": SECTORS,
    "coproduction_roles": COPRODUCTION_ROLES,
    "lived_experiences": LIVED_EXPERIENCES,
}
