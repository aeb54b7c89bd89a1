"""python -m storymap: the same command line as python build.py."""
from storymap.cli import main

if __name__ == "__main__":
    main()
