from crm_server.cli import main

raise SystemExit(main())
