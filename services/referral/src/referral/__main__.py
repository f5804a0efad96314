from referral.entrypoints.cli import main

main()
