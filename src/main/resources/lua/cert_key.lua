-- cert_key.lua: (demo mode only) the site's certificate signing key: A.privateKey is kept unless the site has one
-- already, and the key kept is returned, so every server of the site signs with the same key. Outside demo mode the
-- keys come from the config and are never written to the store.
-- A.privateKey  a new Ed25519 private key, PKCS#8 base64
-- include: (core only)
local key = P .. 'certkey'
redis.call('SETNX', key, A.privateKey)
return reply({ok = true, pkcs8 = redis.call('GET', key)})
