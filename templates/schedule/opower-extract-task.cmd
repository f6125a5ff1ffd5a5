@echo off
rem opower-extract: incremental delivery for utility {{utility}}, started by Task Scheduler ({{cadence}}, {{when}}).
rem The exit code is run's own (README "Exit codes"); Task Scheduler shows it as the last run result.
cd /d {{c_workdir}}
{{c_node}} {{c_bin}} run --mapping {{c_mapping}} --phase incremental --summary {{c_summary}} >> {{c_log}} 2>&1
exit /b %ERRORLEVEL%
