import type { Metadata, Viewport } from "next";
import "./globals.css";
import { Providers } from "./_components/providers";

export const metadata: Metadata = { title: "IronLedger", description: "Datacenter hardware lifecycle and CMDB" };
export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
