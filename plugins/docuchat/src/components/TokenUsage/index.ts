export { TokenUsageCard } from './TokenUsageCard';
