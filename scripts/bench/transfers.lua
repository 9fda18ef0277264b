-- wrk load for `npm run bench`: POST /v1/transfers (or /v1/batches of BENCH_BATCH transfers) between
-- random wallets read from BENCH_WALLETS (one id a line), each request with a unique Idempotency-Key
-- shaped like `wrk-<thread>-<counter>-<random>`. BENCH_HOT: every transfer credits that wallet.
local wallets = {}
for line in io.lines(os.getenv("BENCH_WALLETS")) do wallets[#wallets + 1] = line end
local hot = os.getenv("BENCH_HOT")
if hot == "" then hot = nil end
local batch = tonumber(os.getenv("BENCH_BATCH") or "0")
local key = os.getenv("BENCH_KEY")
local counter = 0
-- setup() runs in the main script state and numbers the threads; each thread's own state gets its
-- number as the global `thread_number` (a file-level `local` of the same name would shadow it, and
-- every thread would then draw the same keys: half the requests became concurrent duplicates).
local threads_made = 0
local threads = {}

function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_number", threads_made)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + thread_number)
end

local function pair()
  local a = math.random(#wallets)
  local b = math.random(#wallets - 1)
  if b >= a then b = b + 1 end
  local from, to = wallets[a], wallets[b]
  if hot ~= nil then
    to = hot
    if from == hot then from = wallets[b] end
  end
  return from, to
end

local function transfer()
  local from, to = pair()
  return '{"fromWalletId":"' .. from .. '","toWalletId":"' .. to .. '","amount":"1"}'
end

function request()
  counter = counter + 1
  local headers = {
    ["authorization"] = "Bearer " .. key,
    ["content-type"] = "application/json",
    ["idempotency-key"] = string.format("wrk-%d-%d-%d", math.random(100000000, 999999999), thread_number, counter),
  }
  if batch > 0 then
    local items = {}
    for i = 1, batch do
      local from, to = pair()
      items[i] = '{"kind":"transfer","fromWalletId":"' .. from .. '","toWalletId":"' .. to .. '","amount":"1"}'
    end
    return wrk.format("POST", "/v1/batches", headers, '{"atomic":false,"items":[' .. table.concat(items, ",") .. ']}')
  end
  return wrk.format("POST", "/v1/transfers", headers, transfer())
end

function done(summary, latency, requests)
  local failed = summary.errors.status
  io.write(string.format('WRK_JSON {"requests":%d,"seconds":%.3f,"non2xx":%d,"socketErrors":%d,"p50Ms":%.3f,"p99Ms":%.3f,"maxMs":%.3f}\n',
    summary.requests, summary.duration / 1e6, failed,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
