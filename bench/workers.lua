-- wrk script: GET, in turn, every path listed in the file named by $PATHS_FILE (one per line).
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do
  if line ~= "" then table.insert(paths, line) end
end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
