from matchday.domain.names import normalise_team_name


def test_spellings_of_one_club_meet() -> None:
    assert normalise_team_name("Manchester Utd. F.C.") == normalise_team_name("manchester united")
    assert normalise_team_name("Borussia Mönchengladbach") == "borussia monchengladbach"
    assert normalise_team_name("1. FC Köln") == normalise_team_name("FC Koln") == "koln"
    assert normalise_team_name("Brighton & Hove Albion FC") == "brighton and hove albion"
    assert normalise_team_name("AFC Bournemouth") == "bournemouth"


def test_fold_accents_passes_ascii_through_and_folds_the_rest() -> None:
    """ASCII text is returned as it is (no ASCII character decomposes), which is what the full fold gives it."""
    import unicodedata

    from matchday.domain.names import fold_accents

    ascii_text = "".join(chr(code) for code in range(128))
    assert fold_accents(ascii_text) == ascii_text == unicodedata.normalize("NFKD", ascii_text)
    assert fold_accents("Malmö FF") == "Malmo FF"
    assert fold_accents("Bodø/Glimt") == "Bodo/Glimt"
    assert fold_accents("Beşiktaş") == "Besiktas"
