"""Views, one module per audience: team, curation, public archive, storyteller; and health."""
