import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';

// Every plugin in package.json is discovered (app.packages: all in
// app-config.yaml), Shipdeck's @shipdeck/plugin-gitops/alpha included.
export default createApp({
  features: [navModule],
});
