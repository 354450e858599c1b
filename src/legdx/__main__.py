from legdx.cli import app

app()
