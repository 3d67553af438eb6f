#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded in an
# air-gapped datacenter. generate/validate/format work without it; migrations
# go through the project's own command.
echo "schema engine not available: use the project's migrate command (npm run db:migrate / npm run db:migration -- NAME)" >&2
exit 1
