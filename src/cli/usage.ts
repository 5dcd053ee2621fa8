/**
 * The usage of the commands whose modules are heavy: kept apart so \`--help\` answers without
 * loading the engine.
 */

export const KEYS_USAGE = `usage: vigil keys create --role analyst|joc|hq|admin|partner --name "JMAC Gao" [--mission MINUSMA ...] [--area CF43 ...] [--org ocha]
       vigil keys list
       vigil keys revoke <key-id>
(the database is VIGIL_DB, default ./data/vigil.db; the service may be running)
`

export const IMPORT_USAGE = `usage: vigil import <file> --format ucdp-ged|csv --mission <code> [--map <mapping.yaml>] [--out <file.ndjson>]

  --format     ucdp-ged: UCDP GED events (GeoJSON or CSV, codebook field names), mapped by
               schemas/crosswalks/ucdp-ged.yaml (--crosswalk <file> for another)
               csv: a mission's own export, mapped by --map (see schemas/crosswalks/README.md)
  --mission    the mission the reports belong to, e.g. MINUSCA
  --out        write the validated reports as NDJSON (for POST /reports/batch) instead of
               importing them into the database (VIGIL_DB)

Every report goes through the normal intake (validated, stored, evaluated) as if posted; ids
come from the source's ids, so importing the same file again changes nothing. The service may
be running on the same database: its polls, long polls and streams see the alert changes of the
import within about 100 ms.
Exit code: 0 every row imported or already there, 1 some rows rejected (listed), 2 bad usage.
`

export const BACKTEST_USAGE = `usage: vigil backtest --reports <file|db> --rules <dir> [--from <day> --to <day>] [--split <day>]
                      [--outcomes <fatalities.csv> --mission <code>] [--outcomes-from reports --outcome <class> ...]
                      [--level operational] [--draws 1000] [--bootstrap 1000] [--seed 1] [--out <dir>]

  --reports    a vigil database (.db), the NDJSON of \`vigil import --out\`, or an external file
               read through the importer (--format ucdp-ged|csv [--map <mapping.yaml>], needs --mission)
  --rules      the indicator rules to replay (default: VIGIL_RULES_DIR)
  --from/--to  first and last day scored, YYYY-MM-DD, UTC (default: the reports' first and last
               day; a database: to today). Reports up to --warmup before --from are replayed
               unscored, so windows and trends start full (default: from the rules).
  --outcomes   the UN peacekeeping fatalities CSV: the mission's "Malicious Act" rows, grouped
               by date into incidents, score detection, lead time, lift and false alarms
  --outcome    an outcome class from the reports themselves (with --outcomes-from reports; repeat for
               several): taxonomy prefixes joined by | (* for any) and conditions on casualties, e.g.
               "POC.KILL civiliansKilled>=5", "* killed>=5"; fields killed, civiliansKilled, unKilled,
               otherKilled, injured, civiliansInjured, unInjured, abducted, civiliansAbducted;
               operators >= > = < <=. Scored per admin1 (the report's place) and mission-wide
  --level      the lowest level that counts as a warning in the skill tables (default operational)
  --split      first day of the validation period: the days before are training (persistence's N
               is chosen there), both reported
  --draws      Monte Carlo draws of the random baseline; --bootstrap resamples of the lift's
               interval; --seed their seed (same seed, same figures)
  --out        write summary.json, report.md, timeline.html and changes.ndjson there

A mission in the table of deployments (every current UN peacekeeping mission and the main closed
ones since 1999: src/backtest/mission-periods.ts) is scored from its
deployment (and to its end); the days before are warm-up. Per outcome class the skill table gives,
by admin1 and mission-wide, per day and per week, the warnings beside persistence (warn N days
after any outcome of the class in the area, N chosen on the training period) and chance (the same
time under warning per area, shifted at random): POD, FAR, lead, time under warning, lift with its
bootstrap interval, skill vs persistence (lift / persistence's lift), Peirce, warnings per
area-week, and the p-value of the detections against chance.

Reports are replayed in occurredAt order through the real engine in memory, with
the clock at each report and every alert expiring at its own time, as it would have live.
`

export const CALIBRATE_USAGE = `usage: vigil calibrate --reports <file|db> --rules <dir> --mission <code> --indicator <id> [--indicator <id> ...]
                       [--sweep '<path>=<values>' ...] --split <day> [--from <day> --to <day>]
                       (--outcomes-from reports --outcome <class> | --outcomes <fatalities.csv>)
                       [--choose skill|lift|peirce|pod] [--min-pod 0.5] [--level operational]
                       [--out <dir>] [--write [--dataset <name>]] [--jobs <n>]

  --indicator  the indicator(s) to calibrate; only their warnings are scored (the other rules are
               replayed only when one of them escalates on alerts)
  --sweep      a place in the rule file and the values to try: a range 2..8 (or 2..20/2) or a
               list 7d,14d,30d; the path dotted or with brackets, e.g.
               'alerts[0].when.all[0].value=2..8', 'window=7d,14d,30d', and with an id in front
               ('POC-001:window=...') when it concerns one of several indicators. Every
               combination of the sweeps is one setting. Without --sweep the indicators are
               measured as they are (nothing chosen, nothing changed; with --write, only the
               validation: block is written)
  --split      the first day of the validation period: each setting is replayed and scored on the
               days before (training); the chosen one alone is then scored on the days after
  --outcome    the outcome class scored against (the first one given), as for vigil backtest;
               by admin1-day when its reports have places, else mission-wide by day
  --choose     among the Pareto front of detection against time under warning, the setting with
               the best skill vs persistence (default), lift, Peirce or POD, whose POD on the
               training period is at least --min-pod (default 0.5; if none is, the highest POD on the front)
  --out        write calibration.md, calibration.html (the trade-off plotted) and calibration.json
  --write      rewrite each calibrated rule file with the chosen setting (version raised when it
               changed) and a validation: block (--dataset names the data; default the file name)
  --jobs       replay the settings on this many worker threads at once (default 1); the tables are
               the same. A worker costs about a second to start and its first replay runs slower,
               so it pays for sweeps of many settings whose replays take a second or more

Other options as for vigil backtest (--format, --map, --level, --draws, --bootstrap, --seed).
`
