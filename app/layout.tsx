import type { Metadata, Viewport } from "next";
import "./globals.css";
import { Providers } from "./_components/providers";

export const metadata: Metadata = { title: "IronLedger", description: "Datacenter hardware lifecycle and CMDB" };
export const viewport: Viewport = { width: "device-width", initialScale: 1 };
// rendered per request, so Next.js can put the CSP nonce of proxy.ts on its scripts
export const dynamic = "force-dynamic";

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
