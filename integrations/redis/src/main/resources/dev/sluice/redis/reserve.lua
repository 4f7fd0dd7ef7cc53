-- Reserves every line or none, atomically (Redis runs one script at a time).
-- KEYS: the reservation counter, then per line: the account hash, its leases (zset), its lease amounts (hash),
--       its expired leases (hash).
-- ARGV: now (ms), lease (ms), then per line: amount, limit, the account's end (ms).
-- Returns {1, id, usedAfter...} or {0, deniedLine (0-based), spent, reserved}.
local now = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local n = (#KEYS - 1) / 4

-- Check with every line counted (an account may appear on two lines), then commit.
local pending = {}
for i = 1, n do
  local base = 1 + (i - 1) * 4
  local account = KEYS[base + 1]
  if pending[account] == nil then
    purge(now, account, KEYS[base + 2], KEYS[base + 3], KEYS[base + 4])
    pending[account] = 0
  end
  pending[account] = pending[account] + tonumber(ARGV[3 + (i - 1) * 3])
end
for i = 1, n do
  local base = 1 + (i - 1) * 4
  local account = KEYS[base + 1]
  local limit = tonumber(ARGV[4 + (i - 1) * 3])
  local spent = tonumber(redis.call('HGET', account, 'spent') or '0')
  local reserved = tonumber(redis.call('HGET', account, 'reserved') or '0')
  if spent + reserved + pending[account] > limit then
    return {0, i - 1, spent, reserved}
  end
end

local id = redis.call('INCR', KEYS[1])
local result = {1, id}
for i = 1, n do
  local base = 1 + (i - 1) * 4
  local account, leases, amounts, expired = KEYS[base + 1], KEYS[base + 2], KEYS[base + 3], KEYS[base + 4]
  local amount = tonumber(ARGV[3 + (i - 1) * 3])
  local ends = tonumber(ARGV[5 + (i - 1) * 3])
  redis.call('HINCRBY', account, 'reserved', amount)
  redis.call('HINCRBY', amounts, id, amount)
  redis.call('ZADD', leases, now + lease, id)
  -- Kept a day past the period's end (late settles still find the account), then forgotten. A
  -- time to live relative to the pod's clock, not an instant: Redis's own clock may differ.
  local ttl = math.max(ends - now, 0) + 86400000
  for _, key in ipairs({account, leases, amounts, expired}) do
    redis.call('PEXPIRE', key, ttl)
  end
end
for i = 1, n do
  local account = KEYS[1 + (i - 1) * 4 + 1]
  result[#result + 1] = tonumber(redis.call('HGET', account, 'spent') or '0') + tonumber(redis.call('HGET', account, 'reserved') or '0')
end
return result
