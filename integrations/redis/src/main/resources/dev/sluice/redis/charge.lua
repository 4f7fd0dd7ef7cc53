-- Counts spend made while Redis could not be reached (a pod's fail-open allowance), once: the
-- charge's id is remembered in the account's expired-leases hash under "charge:<id>", so a charge
-- sent again (its reply was lost) changes nothing.
-- KEYS: the account hash, its leases, its lease amounts, its expired leases.
-- ARGV: the charge id, the amount, the account's end (ms), now (ms).
local now = tonumber(ARGV[4])
if redis.call('HSETNX', KEYS[4], 'charge:' .. ARGV[1], '1') == 0 then
  return 0
end
redis.call('HINCRBY', KEYS[1], 'spent', math.max(0, tonumber(ARGV[2])))
local ttl = math.max(tonumber(ARGV[3]) - now, 0) + 86400000
for _, key in ipairs({KEYS[1], KEYS[4]}) do
  redis.call('PEXPIRE', key, ttl)
end
return 1
