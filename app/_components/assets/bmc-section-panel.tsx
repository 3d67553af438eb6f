"use client";
/** The BMC panel with the react-query + tRPC client it calls: one chunk, loaded by bmc-section.tsx. */
import { BmcPanel } from "../bmc/bmc-panel";
import { RpcProvider } from "../rpc-provider";

export function BmcSectionPanel(props: React.ComponentProps<typeof BmcPanel>) {
  return (
    <RpcProvider>
      <BmcPanel {...props} />
    </RpcProvider>
  );
}
