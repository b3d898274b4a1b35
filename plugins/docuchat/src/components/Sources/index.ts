export { SourcesCard } from './SourcesCard';
