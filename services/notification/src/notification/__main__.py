from notification.entrypoints.cli import main

main()
