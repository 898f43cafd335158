-- wrk script for make bench's reports row: POST the report in $REPORT_BODY as application/json.
local file = assert(io.open(os.getenv("REPORT_BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
