from matchday.domain.names import normalise_team_name


def test_spellings_of_one_club_meet() -> None:
    assert normalise_team_name("Manchester Utd. F.C.") == normalise_team_name("manchester united")
    assert normalise_team_name("Borussia Mönchengladbach") == "borussia monchengladbach"
    assert normalise_team_name("1. FC Köln") == normalise_team_name("FC Koln") == "koln"
    assert normalise_team_name("Brighton & Hove Albion FC") == "brighton and hove albion"
    assert normalise_team_name("AFC Bournemouth") == "bournemouth"
