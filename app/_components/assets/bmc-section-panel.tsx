"use client";
/**
 * The BMC panel with the react-query + tRPC client it calls, wrapped around
 * the panel alone: the rest of the asset page (record, timeline, moves) does
 * without them. Rendered on the server with the page's data, so its text is
 * part of the first paint (loaded later, it became the page's largest paint,
 * late: measured with Lighthouse, see the report of this change).
 */
import { BmcPanel } from "../bmc/bmc-panel";
import { RpcProvider } from "../rpc-provider";

export function BmcSectionPanel(props: React.ComponentProps<typeof BmcPanel>) {
  return (
    <RpcProvider>
      <BmcPanel {...props} />
    </RpcProvider>
  );
}
