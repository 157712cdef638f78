from matchday.cli import app

app()
