"""python -m storymap: the same command line as python build.py."""
from storymap.cli import run

if __name__ == "__main__":
    run()
