from jervis.cli import main

main()
