from pathway.entrypoints.cli import main

main()
